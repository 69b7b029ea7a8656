# Four attributes break a rule: `tofu validate` and `tofu plan` name each and its rule, quote no secret, call nothing.
terraform {
  required_providers {
    incidentmanager = {
      source = "incident-manager/incidentmanager"
    }
  }
}

variable "content" {
  type      = string
  sensitive = true
}

resource "incidentmanager_engagement" "bad" {
  contact_id = "alice oncall"
  sender     = "tofu-e2e"
  subject    = "fine"
  content    = var.content
  token_key  = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
  stop_when = {
    within = "soon"
  }
}

resource "incidentmanager_acknowledgement_expectation" "bad" {
  engagement_arn = "not-an-engagement"
  within         = "15m"
  on_miss        = "shrug"
}
