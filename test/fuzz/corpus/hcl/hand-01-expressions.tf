/* block
   comment */
// line comment
terraform {
  required_version = ">= 1.5"
}
locals { a = 1 }
variable "np" {
  type    = string
  default = null
}
resource "aws_eks_addon" "vpc" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "vpc-cni"
  configuration_values = jsonencode({
    enableNetworkPolicy = "true"
    env = {
      ENABLE_PREFIX_DELEGATION = "true", X = -1.5
    }
    list = [1, 2, true, null,]
  })
  other = jsonencode({ a = var.x, b = "c" })
  tmpl = "prefix-${var.x}-$${literal}"
  esc = "a\"b\\c\u00e9\n"
  cond = var.enabled ? "azure" : null
  arith = 1 + 2 * 3
  neg = -1
  fors = [for s in var.list : upper(s) if s != ""]
  ofor = { for k, v in var.m : k => v... }
  splat = aws_instance.x[*].id
  idx = var.list[0]
  call = merge(
    local.a,
    { b = 2 },
  )
  heredoc = <<EOT
hello ${var.x}
EOT
  flush = <<-EOT
    line one
      line two
    EOT
  plain = <<EOF2
{"enableNetworkPolicy": "true"}
EOF2
  dir = "%{ if var.x }yes%{ else }no%{ endif }"
  oneline { a = 1 }
  dynamic "network_profile" {
    for_each = var.profiles
    content {
      network_policy = network_profile.value
    }
  }
  fn = provider::aws::arn_parse("x")
  paren = ("azure")
  big = 12345678901234567890
  f = 1.5e3
}
