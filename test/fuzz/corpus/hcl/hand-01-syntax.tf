# comment
// another
/* block */
locals {
  a = <<-EOT
    indented ${var.x}
    %{ if true }yes%{ endif }
  EOT
  b = [for k, v in var.m : "${k}=${v}" if v != null]
  c = { "x" = 1, y = -2.5e3, (var.k) = 3 }
  d = var.a ? module.m.out : aws_eks_cluster.this.name
  e = jsonencode({ enableNetworkPolicy = "true", list = [1, 2, null] })
  f = foo.*.bar[0]
}
resource "azurerm_kubernetes_cluster" "k" {
  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }
  dynamic "x" {
    for_each = var.l
    content { y = x.value }
  }
}
