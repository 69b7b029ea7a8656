# The engagement's tokens minted with the provider's key (TF_VAR_token_key): known before anything is applied.
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

variable "token_key" {
  type      = string
  sensitive = true
}

provider "incidentmanager" {
  token_key = var.token_key
}

resource "incidentmanager_engagement" "drill" {
  contact_id = var.contact_id
  sender     = "tofu-e2e"
  subject    = var.subject
  content    = var.content
}

output "arn" {
  value = incidentmanager_engagement.drill.arn
}
