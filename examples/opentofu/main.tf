# The game-day drill of the README, in HCL for OpenTofu: page the on-call escalation plan once, as code, and record
# whether someone acknowledged in time. The message comes in through sensitive variables and the state is encrypted
# with a passphrase you give (TF_VAR_state_passphrase), so neither the message nor the token key is readable from
# terraform.tfstate.
terraform {
  required_version = ">= 1.7" # state encryption

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

# The region, endpoint and credentials come from the AWS environment (AWS_REGION, AWS_PROFILE, ...).
provider "incidentmanager" {}

# The key idempotency tokens are minted with: made once, kept (encrypted) in state.
resource "incidentmanager_token_key" "this" {}

resource "incidentmanager_engagement" "drill" {
  contact_id     = var.contact_id # a contact, escalation plan or on-call schedule ARN
  sender         = "gameday-bot"
  subject        = var.subject # VOICE and EMAIL
  content        = var.content
  public_subject = var.public_subject # SMS
  public_content = var.public_content
  incident_id    = "gameday-opentofu"
  stop_reason    = "Game-day drill finished" # used by `tofu destroy`
  run            = var.run                   # a new value pages again
  token_key      = incidentmanager_token_key.this.key
}

# The drill passes when anyone paged acknowledges within `within`; `record` keeps a miss from failing the apply.
resource "incidentmanager_acknowledgement_expectation" "acknowledged_in_time" {
  engagement_arn = incidentmanager_engagement.drill.arn
  within         = var.within
  on_miss        = "record"
}

output "engagement_arn" {
  value = incidentmanager_engagement.drill.arn
}

output "idempotency_token" {
  value = incidentmanager_engagement.drill.idempotency_token
}

output "passed" {
  value = incidentmanager_acknowledgement_expectation.acknowledged_in_time.passed
}

output "verdict" {
  value = incidentmanager_acknowledgement_expectation.acknowledged_in_time.verdict
}
