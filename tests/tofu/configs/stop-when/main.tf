# A drill that decides itself: apply waits until bob acknowledges (or 3s pass), then stops the engagement.
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

resource "incidentmanager_token_key" "this" {}

resource "incidentmanager_engagement" "drill" {
  contact_id  = var.contact_id
  sender      = "tofu-e2e"
  subject     = var.subject
  content     = var.content
  stop_reason = "drill decided"
  token_key   = incidentmanager_token_key.this.key
  stop_when = {
    within = "3s"
    by     = ["bob-oncall"]
  }
}

output "stop_time" {
  value = incidentmanager_engagement.drill.stop_time
}
