# One engagement paged from HCL: the message comes in through sensitive variables (TF_VAR_subject,
# TF_VAR_content), so that no value of it is written in this file or printed from it.
terraform {
  # State and plans encrypted client-side: message text and the token key are not readable from the state file.
  encryption {
    key_provider "pbkdf2" "passphrase" {
      passphrase = var.state_passphrase
    }
    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.passphrase
    }
    state {
      method = method.aes_gcm.state
    }
    plan {
      method = method.aes_gcm.state
    }
  }

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

variable "state_passphrase" {
  type      = string
  sensitive = true
}
