a = <<-EOT
  x ${ "${var.y}" }
  %{ for k, v in var.m }${k}%{ endfor }
  EOT
b = [for x in [1,2] : x if x > 1]
c = { for k, v in var.m : k => v... }
d = provider::aws::f(1, [2]...)
e = -(-1.5e3)
