resource "azurerm_kubernetes_cluster" "broken" {
  name = 
  network_profile {
    network_policy = "azure"
  }
}
