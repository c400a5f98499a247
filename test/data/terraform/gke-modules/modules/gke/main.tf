# Dataplane V2 passes; the legacy Calico add-on needs both settings.
resource "google_container_cluster" "dpv2" {
  name              = "dpv2"
  location          = "europe-west1"
  datapath_provider = "ADVANCED_DATAPATH"
}

resource "google_container_cluster" "legacy" {
  name     = "legacy"
  location = "europe-west1"

  network_policy {
    enabled  = true
    provider = "CALICO"
  }

  addons_config {
    network_policy_config {
      disabled = true
    }
  }
}

resource "google_container_cluster" "autopilot" {
  name             = "autopilot"
  location         = "europe-west1"
  enable_autopilot = true
}

resource "google_container_cluster" "unknown" {
  name              = "unknown"
  location          = "europe-west1"
  datapath_provider = var.datapath
}

variable "datapath" {
  type    = string
  default = "LEGACY_DATAPATH"
}
