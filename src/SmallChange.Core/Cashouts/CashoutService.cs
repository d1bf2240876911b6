using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Limits;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Providers.Trust;
using SmallChange.Core.Quotes;

namespace SmallChange.Core.Cashouts;

/// <summary>A cash-out request: which locked quote, to which destination, optionally which provider of the quote.</summary>
public sealed record CashoutCommand(HolderId Holder, QuoteId Quote, DestinationId Destination, string? ProviderId);

/// <summary>The cash-out and whether this call created it or replayed an earlier one with the same idempotency key.</summary>
public sealed record CashoutResult(Cashout Cashout, bool Replayed);

/// <summary>
/// Quotes, destinations and cash-outs. A cash-out request runs its checks in order, each recorded with its reason,
/// and commits the idempotency key, the hold, the cash-out, its events and the outbox row in one transaction.
/// </summary>
/// <remarks>
/// With a <see cref="ProviderTrustService"/>, quotes and cash-outs also honour the provider trust rules over stored
/// outcomes (a provider suspended by its failure or return rate is neither quoted nor paid through); without one, only
/// the provider configuration is judged. With an <see cref="EffectiveCatalog"/>, quotes use the fee schedules staff
/// approved (four-eyes) over the configured ones.
/// </remarks>
public sealed partial class CashoutService(IStore store, LedgerEngine engine, AccountDirectory accounts, PayoutSetup setup, TimeProvider clock,
    ComplianceChecks compliance, ReportService reports, ProviderTrustService? trust = null, EffectiveCatalog? fees = null)
{
    public const string IdempotencyScope = "cashout";

    public PayoutSetup Setup => setup;

    /// <summary>Prices a cash-out for a holder and locks it for <see cref="PayoutSetup.QuoteLock"/>.</summary>
    public async Task<Result<StoredQuote>> Quote(HolderId holder, QuoteRequest request, CancellationToken ct = default)
    {
        if (await store.ReadAsync(r => r.GetHolder(holder), ct) is null)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        var standing = trust is null ? null : await trust.Current(ct);
        var catalog = fees is null ? setup.Catalog : await fees.Current(ct);
        var draft = QuoteCalculator.Calculate(request with { IncludeSandbox = setup.IncludeSandbox, Standing = standing ?? request.Standing, RedFlags = request.RedFlags ?? catalog.Trust.RedFlags }, catalog, setup.Rates);
        if (!draft.TryGet(out var d, out var error))
        {
            return error;
        }

        var now = clock.GetUtcNow();
        var quote = new StoredQuote(QuoteId.New(), holder, d, now, now + setup.QuoteLock);
        await store.WriteAsync(async tx => { await tx.InsertQuote(quote); return 0; }, ct);
        return quote;
    }

    /// <summary>Validates and stores a payout destination for a holder.</summary>
    public async Task<Result<Destination>> AddDestination(HolderId holder, DestinationInput input, string? currencyCode, CancellationToken ct = default)
    {
        if (await store.ReadAsync(r => r.GetHolder(holder), ct) is not { } owner)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        var validated = DestinationValidator.Validate(input);
        if (!validated.TryGet(out var v, out var error))
        {
            return error;
        }

        var country = v.Country ?? input.Country?.ToUpperInvariant();
        if (country is null)
        {
            return new Error("destination.country", "country is required for this destination.", "country");
        }

        Money.Currency? currency;
        if (currencyCode is null)
        {
            currency = Destination.DefaultCurrency(country);
            if (currency is null)
            {
                return new Error("destination.currency_required", $"Name the payout currency for a destination in {country}.", "currency");
            }
        }
        else if ((currency = Money.Currencies.Find(currencyCode)) is null)
        {
            return new Error("currency.unknown", "Unknown currency code.", "currency");
        }

        var destination = Destination.From(DestinationId.New(), holder, v, country, currency, clock.GetUtcNow());
        var cooling = CoolingOffFor(destination, owner);
        var alerts = await compliance.ScreenNewDestination(destination, ct);
        await store.WriteAsync(async tx =>
        {
            await tx.InsertDestination(destination);
            await tx.InsertDestinationState(cooling);
            await CaseService.File(tx, holder, alerts, destination.CreatedAt);
            return 0;
        }, ct);
        return destination;
    }

    /// <summary>
    /// Requests a cash-out. Idempotent by <paramref name="idempotencyKey"/>: a replay with the same request returns the
    /// original cash-out; the same key with another request is a conflict and writes nothing.
    /// Bad references (unknown, foreign or expired quote, destination not matching the quote) are errors and write nothing;
    /// failed checks produce a rejected cash-out with its reasons.
    /// </summary>
    public async Task<Result<CashoutResult>> Request(CashoutCommand cmd, string idempotencyKey, byte[] requestHash, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 128 || idempotencyKey.Any(char.IsControl))
        {
            return new Error("idempotency.key_invalid", "Send an Idempotency-Key header of 1 to 128 printable characters.", "Idempotency-Key");
        }

        var now = clock.GetUtcNow();
        var (holder, quote, destination, existing) = await store.ReadAsync(async r => (
            await r.GetHolder(cmd.Holder),
            await r.GetQuote(cmd.Quote),
            await r.GetDestination(cmd.Destination),
            await r.FindIdempotency(IdempotencyScope, idempotencyKey)), ct);
        if (existing is not null)
        {
            return await Replay(existing, requestHash, ct);
        }

        if (holder is null)
        {
            return new Error("holder.not_found", "No such holder.", "holder_id");
        }

        if (quote is null || quote.Holder != holder.Id)
        {
            return new Error("quote.not_found", "No such quote for this holder.", "quote_id");
        }

        if (quote.ExpiresAt <= now)
        {
            return new Error("quote.expired", "The quote has expired; ask for a new one.", "quote_id");
        }

        if (destination is null || destination.Holder != holder.Id)
        {
            return new Error("destination.not_found", "No such destination for this holder.", "destination_id");
        }

        if (await CoolingOffRefusal(destination.Id, now, ct) is { } coolingOff)
        {
            return coolingOff;
        }

        if (destination.Currency != quote.Draft.PayoutCurrency || destination.Country != quote.Draft.DestinationCountry)
        {
            return new Error("quote.destination_mismatch",
                $"The quote is for {quote.Draft.PayoutCurrency.Code} in {quote.Draft.DestinationCountry}; the destination receives {destination.Currency.Code} in {destination.Country}.",
                "destination_id");
        }

        var options = quote.Draft.Options.Where(o => o.Method == destination.Method).ToList();
        var option = cmd.ProviderId is null
            ? options.OrderByDescending(o => o.Net.Units).ThenBy(o => o.EffectiveCostBps).ThenBy(o => o.TypicalArrival).FirstOrDefault()
            : options.FirstOrDefault(o => o.ProviderId == cmd.ProviderId);
        if (option is null)
        {
            return new Error("quote.no_option",
                cmd.ProviderId is null
                    ? $"The quote has no {destination.Method.ToWireName()} option for this destination."
                    : $"The quote has no {destination.Method.ToWireName()} option from provider '{cmd.ProviderId}'.",
                cmd.ProviderId is null ? "destination_id" : "provider_id");
        }

        var wallet = await accounts.Resolve(AccountKey.Wallet(holder.Id, option.Gross.Currency), ct);
        var clearing = await accounts.Resolve(AccountKey.Clearing(option.Gross.Currency), ct);
        var profile = setup.Profiles.For(holder.Country);
        var standing = trust is null ? null : await trust.Current(ct);
        var catalog = fees is null ? setup.Catalog : await fees.Current(ct);
        var id = CashoutId.New();
        var holdId = TransferId.New();
        var screenings = await compliance.ScreenCashout(holder, destination, ct);

        return await store.WriteAsync<Result<CashoutResult>>(async tx =>
        {
            var raced = await tx.FindIdempotency(IdempotencyScope, idempotencyKey);
            if (raced is not null)
            {
                return await ReplayIn(tx, raced, requestHash);
            }

            // Checks run inside the write transaction, after locking the holder, so the limits see every cash-out
            // committed before this one, on any node.
            await tx.LockHolder(holder.Id);
            var prior = await tx.CashoutUsage(holder.Id, profile.MonthStart(now));
            var checks = Checks(catalog, holder, option, profile, prior, standing, now);
            var verdict = await ComplianceVerdict(tx, checks, holder, destination, option, screenings, id, now);
            var state = CashoutState.Approved;
            TransferId? hold = null;
            string? reason = null;
            if (checks.Any(c => c.Outcome == CheckResult.Fail))
            {
                state = CashoutState.Rejected;
                reason = checks.First(c => c.Outcome == CheckResult.Fail).Reason;
            }
            else
            {
                var r = await engine.ApplyOne(tx, TransferRequest.Hold(holdId, wallet, clearing, option.Gross.Units, ReasonCodes.CashoutHold, setup.HoldTimeout, id.Value));
                if (r.Status == TransferStatus.Created)
                {
                    checks.Add(CheckResult.Passed("funds", $"held {option.Gross}"));
                    hold = holdId;
                    if (checks.FirstOrDefault(c => c.Outcome == CheckResult.Review) is { } review)
                    {
                        // Held for review: the funds stay held, nothing goes to the provider until a case decision.
                        state = CashoutState.Held;
                        reason = review.Reason;
                    }
                }
                else
                {
                    checks.Add(CheckResult.Failed("funds", "funds.insufficient", $"the wallet cannot cover {option.Gross} ({r.Status})"));
                    state = CashoutState.Rejected;
                    reason = "funds.insufficient";
                }
            }

            var cashout = new Cashout(id, holder.Id, quote.Id, destination.Id, option.ProviderId, option.Method, state,
                option.Gross, option.TotalFee, option.Net, option, checks, hold, null, reason, now, now);
            await tx.InsertCashout(cashout);
            await tx.InsertCashoutEvent(new CashoutEvent(id, 1, CashoutState.Requested, null, now));
            await tx.InsertCashoutEvent(new CashoutEvent(id, 2, state, reason, now));
            if (verdict is not null)
            {
                await ComplianceChecks.Record(tx, verdict);
            }

            if (state == CashoutState.Approved)
            {
                await tx.InsertOutbox(id, now);
                await reports.CtrAfterApproval(tx, holder, now, now);
            }

            await tx.InsertIdempotency(new IdempotencyRecord(IdempotencyScope, idempotencyKey, requestHash, 201, id.ToString(), now));
            return new CashoutResult(cashout, false);
        }, ct);
    }

    /// <summary>The checks in order, each recorded with its outcome and reason: holder status, KYC tier, provider, tier limits.</summary>
    private List<CheckResult> Checks(ProviderCatalog catalog, Holder holder, QuoteOption option, JurisdictionProfile profile, IReadOnlyList<PriorCashout> prior, ProviderStanding? standing, DateTimeOffset now)
    {
        var checks = new List<CheckResult>
        {
            holder.Status == HolderStatus.Active
                ? CheckResult.Passed("holder_status", "active")
                : CheckResult.Failed("holder_status", "holder.not_active", $"the holder is {holder.Status.ToString().ToLowerInvariant()}"),
        };
        var limits = TierLimitCheck.Check(profile, holder.KycTier, option.Gross, prior, setup.Rates, now);
        checks.Add(limits.Check == "kyc_tier" ? limits : CheckResult.Passed("kyc_tier", $"tier {holder.KycTier} in {profile.Id}"));
        var provider = catalog.Find(option.ProviderId);
        var eligibility = provider is null ? null : standing?.Evaluate(provider, now).Eligibility ?? provider.Eligibility(now, catalog.Trust.RedFlags);
        checks.Add(provider is not null && eligibility!.IsQuotable
            ? CheckResult.Passed("provider", option.ProviderId)
            : CheckResult.Failed("provider", "provider.not_quotable", $"provider {option.ProviderId} is not quotable now: {string.Join(", ", eligibility?.Reasons ?? ["unknown provider"])}"));
        if (limits.Check != "kyc_tier")
        {
            checks.Add(limits);
        }

        return checks;
    }

    /// <summary>
    /// Sanctions and AML after the checks above, when they all passed (a refused cash-out moves nothing): adds the
    /// <c>sanctions</c> and <c>aml</c> checks (pass, review → held, fail → rejected) and returns what to record with the cash-out.
    /// </summary>
    private async ValueTask<ComplianceVerdict?> ComplianceVerdict(IStoreTx tx, List<CheckResult> checks, Holder holder, Destination destination, QuoteOption option,
        IReadOnlyList<NameScreening> screenings, CashoutId id, DateTimeOffset now)
    {
        if (checks.Any(c => c.Outcome == CheckResult.Fail))
        {
            return null;
        }

        var verdict = await compliance.EvaluateCashout(tx, holder, destination, option.Gross, option.Method, screenings, id, now);
        checks.AddRange(verdict.Checks);
        return verdict;
    }

    private async Task<Result<CashoutResult>> Replay(IdempotencyRecord existing, byte[] requestHash, CancellationToken ct) =>
        await store.ReadAsync(async r => await ReplayIn(r, existing, requestHash), ct);

    private static async ValueTask<Result<CashoutResult>> ReplayIn(IStoreReader r, IdempotencyRecord existing, byte[] requestHash)
    {
        if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            return new Error("idempotency.conflict", "This Idempotency-Key was used for a different request.", "Idempotency-Key");
        }

        var cashout = await r.GetCashout(new CashoutId(Guid.Parse(existing.ResponseBody)));
        return new CashoutResult(cashout!, true);
    }
}
