# A game day judged by the policy pack before it is applied (python -m pulumi_incident_manager.policies.plan).
# With var.broken false, every engagement keeps every policy of policy-config.json; with it true, the extra
# resources below each break one. The message and one contact come in through sensitive variables, so no value of
# them is written here, and none may be printed.
terraform {
  required_providers {
    incidentmanager = {
      source = "incident-manager/incidentmanager"
    }
  }
}

variable "subject" {
  type      = string
  sensitive = true
}

variable "content" {
  type      = string
  sensitive = true
}

variable "sms_key" {
  description = "What looks like an AWS access key ID, for an SMS text the pack refuses."
  type        = string
  sensitive   = true
}

variable "secret_contact" {
  description = "A contact ARN known only from a sensitive variable: the allow-list message must hide it."
  type        = string
  sensitive   = true
}

variable "broken" {
  type    = bool
  default = false
}

locals {
  drill_contact = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/drill-escalation"
  broken        = var.broken ? 1 : 0
}

resource "incidentmanager_token_key" "this" {}

# Keeps every policy: allowed contact, drill marker, conventional sender, an expectation.
resource "incidentmanager_engagement" "drill" {
  contact_id = local.drill_contact
  sender     = "gameday-bot"
  subject    = "[DRILL] ${var.subject}"
  content    = var.content
  token_key  = incidentmanager_token_key.this.key
}

resource "incidentmanager_acknowledgement_expectation" "drill" {
  engagement_arn = incidentmanager_engagement.drill.arn
  within         = "5m"
  on_miss        = "record"
}

# contact-allowlist: a contact that is not on the drill workspace's allow-list (and is sensitive).
resource "incidentmanager_engagement" "outside" {
  count      = local.broken
  contact_id = var.secret_contact
  sender     = "gameday-bot"
  subject    = "[DRILL] outside"
  content    = var.content
  run        = "outside"
  token_key  = incidentmanager_token_key.this.key
}

# incident-or-drill-marker: a drill without the marker in its subject; team-conventions: its sender.
resource "incidentmanager_engagement" "unmarked" {
  count      = local.broken
  contact_id = local.drill_contact
  sender     = "someone"
  subject    = var.subject
  content    = var.content
  token_key  = incidentmanager_token_key.this.key
}

# no-secrets-in-sms: an access key in the SMS text.
resource "incidentmanager_engagement" "leaky" {
  count          = local.broken
  contact_id     = local.drill_contact
  sender         = "gameday-bot"
  subject        = "[DRILL] leaky"
  public_subject = "[DRILL] key ${var.sms_key}"
  content        = var.content
  token_key      = incidentmanager_token_key.this.key
}

# one-engagement-per-token: two engagements with one explicit token.
resource "incidentmanager_engagement" "twin" {
  count             = 2 * local.broken
  contact_id        = local.drill_contact
  sender            = "gameday-bot"
  subject           = "[DRILL] twin ${count.index}"
  content           = var.content
  idempotency_token = "gameday-twin-token"
}

# drill-expectations: every broken engagement has an expectation but "unmarked".
resource "incidentmanager_acknowledgement_expectation" "twin" {
  count          = 2 * local.broken
  engagement_arn = incidentmanager_engagement.twin[count.index].arn
  within         = "5m"
  on_miss        = "record"
}

resource "incidentmanager_acknowledgement_expectation" "outside" {
  count          = local.broken
  engagement_arn = incidentmanager_engagement.outside[0].arn
  within         = "5m"
  on_miss        = "record"
}

resource "incidentmanager_acknowledgement_expectation" "leaky" {
  count          = local.broken
  engagement_arn = incidentmanager_engagement.leaky[0].arn
  within         = "5m"
  on_miss        = "record"
}

# page-acceptance-drills-only: judged outside a drill workspace.
resource "incidentmanager_page_acceptance" "ack" {
  count       = local.broken
  page_id     = "arn:aws:ssm-contacts:us-east-1:111122223333:page/drill-escalation/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
  accept_code = "123456"
}
