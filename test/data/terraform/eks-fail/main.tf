/*
 * Three clusters: "plain" has a vpc-cni add-on that leaves network policy off,
 * "auto" runs in EKS Auto Mode, "calico_free" has no add-on at all.
 */
resource "aws_eks_cluster" "plain" {
  name     = "plain"
  role_arn = var.role_arn
  vpc_config {
    subnet_ids = var.subnets
  }
}

resource "aws_eks_addon" "plain_vpc_cni" {
  cluster_name         = aws_eks_cluster.plain.name
  addon_name           = "vpc-cni"
  configuration_values = <<-JSON
    {"env": {"ENABLE_POD_ENI": "true"}}
  JSON
}

resource "aws_eks_cluster" "auto" {
  name     = "auto"
  role_arn = var.role_arn
  compute_config {
    enabled       = true
    node_pools    = ["general-purpose"]
    node_role_arn = var.node_role_arn
  }
  vpc_config {
    subnet_ids = var.subnets
  }
}

resource "aws_eks_cluster" "calico_free" {
  name     = "calico-free"
  role_arn = var.role_arn
  vpc_config {
    subnet_ids = var.subnets
  }
}

resource "helm_release" "metrics" {
  name       = "metrics-server"
  repository = "https://kubernetes-sigs.github.io/metrics-server/"
  chart      = "metrics-server"
}
