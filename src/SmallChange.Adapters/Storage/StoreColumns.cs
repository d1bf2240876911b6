namespace SmallChange.Adapters.Storage;

/// <summary>
/// The column lists both stores select and insert in the same order (each store reads the columns by position), so the
/// two dialects of a table cannot drift apart in what they return.
/// </summary>
internal static class StoreColumns
{
    public const string TransferColumns =
        "seq, id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, timeout_at, reason, reverses_id, reference, created_at";

    public const string AccountColumns =
        "id, kind, owner_id, currency, debits_pending, debits_posted, credits_pending, credits_posted";

    public const string HolderColumns =
        "id, external_ref, name, country, status, kyc_tier, created_at";

    public const string CashoutColumns =
        "id, holder_id, quote_id, destination_id, provider_id, method, state, currency, gross, fee, net_currency, net, option_json, checks_json, hold_transfer_id, provider_ref, failure_reason, created_at, updated_at";

    public const string DestinationColumns =
        "id, holder_id, kind, sub_type, country, currency, masked, fingerprint, value, institution, account_holder_name, network, asset, created_at";

    public const string SandboxColumns =
        "provider_id, idempotency_key, cashout_id, net, currency, fingerprint, deliveries, outcome, received_at, settle_at, return_at";

    public const string PortalUserColumns =
        "id, holder_id, email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp, lockout_enabled, " +
        "lockout_end, access_failed_count, two_factor_enabled, authenticator_key, last_totp_step, created_at";

    public const string InboxColumns =
        "id, holder_id, kind, subject, body, created_at, read_at";

    public const string ApiKeyColumns =
        "key_id, secret_hash, scope, source_id, label, created_at, revoked_at, access, previous_secret_hash, previous_valid_until, rotated_at";

    public const string WebhookEndpointColumns =
        "id, url, events, secret, previous_secret, previous_valid_until, description, created_at, disabled_at";

    public const string WebhookDeliveryColumns =
        "d.id, d.event_id, e.type, d.endpoint_id, d.attempts, d.due_at, d.delivered_at, d.failed_at, d.last_status, d.last_error, d.created_at";

    public const string ProviderWebhookSecretColumns =
        "provider_id, secret, previous_secret, previous_valid_until, created_at, rotated_at";

    public const string SandboxCallbackColumns =
        "provider_id, idempotency_key, kind, cashout_id, outcome, due_at, attempts";

    public const string CheckpointColumns =
        "origin, tree_size, root, signed_at, key_id, signature";

    /// <summary><c>identity</c> is the submission's personal data, written and read only through <see cref="PersonalData"/>.</summary>
    public const string KycSubmissionColumns =
        "id, holder_id, target_tier, identity, status, verifier, submitted_by, submitted_at, decided_by, decided_at, decision_reason";

    public const string KycEventColumns =
        "holder_id, seq, submission_id, action, actor, reason, tier_from, tier_to, at";

    public const string SanctionsVersionColumns =
        "id, list_id, seq, content_hash, published_at, imported_at, entry_count, added, removed, changed, source_files";
    public const string DestinationStateColumns =
        "destination_id, holder_id, usable_at, cancelled_at, activated_at";

    public const string ActivityColumns =
        "id, holder_id, kind, at, ip, device, detail";

    public const string CaseColumns =
        "id, holder_id, status, assignee, alert_count, decision, decision_reason, decided_by, decided_at, created_at, updated_at";

    public const string AlertColumns =
        "id, holder_id, case_id, rule_id, rule_version, outcome, explanation, figures_json, subject_kind, subject_id, created_at";

    public const string ReportColumns =
        "id, kind, reference, holder_id, profile_id, case_id, period_from, period_to, currency, amount, tx_count, status, revision, formats, created_at, updated_at";

    public const string AutoCashoutRuleColumns =
        "holder_id, enabled, currency, trigger_kind, threshold, weekly_day, monthly_day, destination_id, method, target_max_bps, created_at, updated_at";

    public const string AutoCashoutRunColumns =
        "holder_id, window_key, outcome, reason, detail, cashout_id, first_at, at";

    public const string StaffColumns =
        "id, email, normalized_email, role, password_hash, security_stamp, lockout_end, access_failed_count, two_factor_enabled, authenticator_key, last_totp_step, created_at, disabled_at";

    public const string StaffAuditColumns =
        "id, at, actor, actor_display, action, subject, detail";

    public const string ApprovalColumns =
        "id, kind, subject, payload, summary, requested_by, requested_by_display, reason, requested_at, status, decided_by, decided_by_display, decision_note, decided_at";

    public const string FeeOverrideColumns =
        "version, provider_id, method, fees_json, approval_id, effective_at";
}
