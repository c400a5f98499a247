resource "aws_eks_addon" "v" {
  cluster_name = aws_eks_cluster.x.name
  addon_name = "vpc-cni"
  configuration_values = jsonencode({ enableNetworkPolicy = "true", env = { A = var.a } })
}
resource "aws_eks_addon" "w" {
  configuration_values = "enableNetworkPolicy: true"
}
