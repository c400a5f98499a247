# A GKE cluster with Dataplane V2 beside the manifests deployed to it.
resource "google_container_cluster" "primary" {
  name              = "primary"
  location          = "europe-west1"
  datapath_provider = "ADVANCED_DATAPATH"
}
