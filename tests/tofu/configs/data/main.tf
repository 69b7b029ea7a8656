# The data sources: who a contact would page (read at plan), and an engagement and its pages.
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

variable "engagement_arn" {
  type = string
}

data "incidentmanager_who_would_be_paged" "plan" {
  contact_id = var.contact_id
}

data "incidentmanager_engagement" "started" {
  arn = var.engagement_arn
}

data "incidentmanager_pages" "sent" {
  engagement_arn = var.engagement_arn
}

output "people" {
  value = data.incidentmanager_who_would_be_paged.plan.people
}

output "sender" {
  value = data.incidentmanager_engagement.started.sender
}

output "page_contacts" {
  value = [for page in data.incidentmanager_pages.sent.pages : page.contact_arn]
}
