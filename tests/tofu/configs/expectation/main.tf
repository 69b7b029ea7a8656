# A drill: the engagement, and what it expects (an acknowledgement from bob within 3s, which nobody gives).
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

variable "expected" {
  type = string
}

variable "on_miss" {
  type = string
}

variable "content" {
  type      = string
  sensitive = true
}

resource "incidentmanager_token_key" "this" {}

resource "incidentmanager_engagement" "drill" {
  contact_id = var.contact_id
  sender     = "tofu-e2e"
  subject    = "drill"
  content    = var.content
  token_key  = incidentmanager_token_key.this.key
}

resource "incidentmanager_acknowledgement_expectation" "answered" {
  engagement_arn = incidentmanager_engagement.drill.arn
  within         = "3s"
  by             = [var.expected]
  on_miss        = var.on_miss
}

output "passed" {
  value = incidentmanager_acknowledgement_expectation.answered.passed
}

output "verdict" {
  value = incidentmanager_acknowledgement_expectation.answered.verdict
}
