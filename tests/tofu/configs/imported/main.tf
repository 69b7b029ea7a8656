# An engagement started elsewhere, adopted: `tofu import` or the import block (with TF_VAR_use_import_block).
terraform {
  required_providers {
    incidentmanager = {
      source = "incident-manager/incidentmanager"
    }
  }
}

variable "contact_id" {
  type = string
}

variable "content" {
  type      = string
  sensitive = true
}

resource "incidentmanager_engagement" "adopted" {
  contact_id  = var.contact_id
  sender      = "elsewhere"
  subject     = "started elsewhere"
  content     = var.content
  incident_id = "tofu-import"
}
