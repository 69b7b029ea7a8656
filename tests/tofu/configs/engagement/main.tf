# One engagement paged from HCL: the message comes in through sensitive variables (TF_VAR_subject,
# TF_VAR_content), so that no value of it is written in this file or printed from it.
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

variable "subject" {
  type      = string
  sensitive = true
}

variable "content" {
  type      = string
  sensitive = true
}

provider "incidentmanager" {}

resource "incidentmanager_token_key" "this" {}

resource "incidentmanager_engagement" "drill" {
  contact_id  = var.contact_id
  sender      = "tofu-e2e"
  subject     = var.subject
  content     = var.content
  incident_id = "tofu-drill"
  stop_reason = "tofu e2e done"
  token_key   = incidentmanager_token_key.this.key
}

output "arn" {
  value = incidentmanager_engagement.drill.arn
}
