variable "contact_id" {
  type        = string
  description = "ARN of the contact, escalation plan or on-call schedule to page."
}

variable "state_passphrase" {
  type        = string
  sensitive   = true
  description = "Encrypts state and plans (at least 16 characters): give it as TF_VAR_state_passphrase, never in a file you commit."
}

variable "within" {
  type        = string
  default     = "2m"
  description = "How long after the page an acknowledgement may come (90s, 15m, 1h30m)."
}

variable "run" {
  type        = string
  default     = null
  description = "Set a new value to page again with an otherwise unchanged drill."
}

# The message: sensitive, so that plans and outputs print (sensitive value). Override with TF_VAR_subject and friends
# (or a *.tfvars file kept out of version control) for a message that must not sit in this repository.
variable "subject" {
  type      = string
  sensitive = true
  default   = "[DRILL] Checkout p99 latency above SLO"
}

variable "content" {
  type      = string
  sensitive = true
  default   = "Game-day drill. Acknowledge this page, then follow the runbook 'checkout-latency'."
}

variable "public_subject" {
  type      = string
  sensitive = true
  default   = "[DRILL] checkout latency"
}

variable "public_content" {
  type      = string
  sensitive = true
  default   = "Game-day drill: acknowledge with the code in this message."
}
