# Root module: the cluster comes from a local module; the VPC CNI add-on is
# configured here and names the cluster through the module's output.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
}

module "eks" {
  source       = "./modules/eks"
  cluster_name = "shop-prod"
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name = module.eks.cluster_name
  addon_name   = "vpc-cni"

  configuration_values = jsonencode({
    enableNetworkPolicy = "true"
    env = {
      ENABLE_PREFIX_DELEGATION = "true"
      WARM_PREFIX_TARGET       = var.warm_prefix_target
    }
  })
}

variable "warm_prefix_target" {
  type    = string
  default = "1"
}
