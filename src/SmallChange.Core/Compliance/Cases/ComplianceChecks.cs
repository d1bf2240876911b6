using System.Globalization;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Destinations;
using SmallChange.Core.Holders;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;

namespace SmallChange.Core.Compliance.Cases;

/// <summary>One name screened for a cash-out, holder or destination: which field, and the result (null: no list loaded).</summary>
public sealed record NameScreening(string Field, SanctionsScreen? Screen);

/// <summary>What the sanctions and AML checks of one cash-out decided, and the alerts to file when it is stored.</summary>
public sealed record ComplianceVerdict(IReadOnlyList<CheckResult> Checks, AmlResult Aml, IReadOnlyList<AlertDraft> Alerts, HolderId Holder, CashoutId Cashout, DateTimeOffset At);

/// <summary>
/// Sanctions screening and AML monitoring at the points that move or could move money: every cash-out (names screened
/// before the write transaction, since that is CPU work on names only; the AML rules inside it, after the holder is
/// locked, so they see every cash-out committed before), and holder and destination creation (names screened, hits
/// filed as alerts). Every AML evaluation of a cash-out is archived with all its decisions; every rule that did not allow,
/// and every sanctions hit, becomes an alert in the holder's case.
/// </summary>
public sealed class ComplianceChecks(ISanctionsCheck sanctions, PayoutSetup setup)
{
    public const string SanctionsCheck = "sanctions";

    /// <summary>The alert rule of a name that matched a list entry.</summary>
    public const string SanctionsRuleId = "sanctions.screening";

    /// <summary>The alert rule of a cash-out held because no sanctions list was loaded (screening fails closed).</summary>
    public const string SanctionsUnavailableRuleId = "sanctions.unavailable";

    public const string HolderNameField = "holder_name";
    public const string DestinationNameField = "destination_account_holder_name";

    private readonly Dictionary<string, AmlRuleSet> _rules = setup.Profiles.All.ToDictionary(p => p.Id, AmlRuleSet.For, StringComparer.Ordinal);

    /// <summary>The rule set of a jurisdiction profile.</summary>
    public AmlRuleSet RulesFor(JurisdictionProfile profile) => _rules[profile.Id];

    /// <summary>
    /// Screens the holder's name and the destination's account-holder name (when it has one). The holder's own account
    /// usually bears the holder's name: the same text is screened once and the result stands for both fields.
    /// </summary>
    public async ValueTask<IReadOnlyList<NameScreening>> ScreenCashout(Holder holder, Destination destination, CancellationToken ct = default)
    {
        var holderScreen = await sanctions.Screen(new ScreeningQuery(holder.Name.Value), ct);
        var list = new List<NameScreening> { new(HolderNameField, holderScreen) };
        if (destination.AccountHolderName is { } name)
        {
            var same = string.Equals(name.Trim(), holder.Name.Value.Trim(), StringComparison.Ordinal);
            list.Add(new NameScreening(DestinationNameField, same ? holderScreen : await sanctions.Screen(new ScreeningQuery(name), ct)));
        }

        return list;
    }

    /// <summary>Alerts for a new holder whose name matches a list entry (none when it does not, or no list is loaded).</summary>
    public async ValueTask<IReadOnlyList<AlertDraft>> ScreenNewHolder(Holder holder, CancellationToken ct = default) =>
        HitAlerts(new NameScreening(HolderNameField, await sanctions.Screen(new ScreeningQuery(holder.Name.Value), ct)), AlertSubject.Of(holder.Id));

    /// <summary>Alerts for a new destination whose account-holder name matches a list entry.</summary>
    public async ValueTask<IReadOnlyList<AlertDraft>> ScreenNewDestination(Destination destination, CancellationToken ct = default) =>
        destination.AccountHolderName is { } name
            ? HitAlerts(new NameScreening(DestinationNameField, await sanctions.Screen(new ScreeningQuery(name), ct)), AlertSubject.Of(destination.Id))
            : [];

    /// <summary>
    /// The sanctions and AML checks of a cash-out, inside its write transaction: the AML input is read from the store (the
    /// holder's credits and counted cash-outs within the rules' lookback, the last activity before, how many other holders
    /// registered the destination) and every rule of the holder's jurisdiction is evaluated.
    /// </summary>
    public async ValueTask<ComplianceVerdict> EvaluateCashout(
        IStoreReader r, Holder holder, Destination destination, Money.Money gross, PayoutMethod method, IReadOnlyList<NameScreening> screenings, CashoutId id, DateTimeOffset now)
    {
        var subject = AlertSubject.Of(id);
        var alerts = new List<AlertDraft>();
        var checks = new List<CheckResult> { SanctionsResult(screenings, subject, alerts) };

        var aml = await EvaluateAml(r, holder, destination, gross, method, now);
        checks.Add(aml.ToCheckResult());
        alerts.AddRange(aml.Hits.Select(d => AlertDraft.From(d, subject)));
        return new ComplianceVerdict(checks, aml, alerts, holder.Id, id, now);
    }

    /// <summary>
    /// The AML rules on a cash-out request, with the input read from the store. The request is placed one microsecond
    /// (the stores' resolution) after <paramref name="now"/>, so a credit booked at the same instant counts as before it.
    /// </summary>
    public async ValueTask<AmlResult> EvaluateAml(IStoreReader r, Holder holder, Destination destination, Money.Money gross, PayoutMethod method, DateTimeOffset now)
    {
        var profile = setup.Profiles.For(holder.Country);
        var rules = RulesFor(profile);
        now = now.AddTicks(TimeSpan.TicksPerMicrosecond);
        var since = now - rules.Lookback;
        var history = await r.AmlHistory(holder.Id, since, now);
        var others = await r.OtherHoldersOnDestination(destination.Fingerprint, holder.Id);
        var input = new AmlInput(
            new AmlHolder(holder.Id, holder.Country, holder.CreatedAt, holder.KycTier),
            new CashoutRequested(gross, method, destination.Country, destination.Fingerprint, TravelRuleDataPresent(destination), others, now),
            since,
            history.Credits,
            history.Cashouts,
            history.LastActivityBefore);
        return rules.Evaluate(profile, input, setup.Rates);
    }

    /// <summary>Stores the verdict with its cash-out: the AML evaluation in the archive, the alerts in the holder's case.</summary>
    public static async ValueTask Record(IStoreTx tx, ComplianceVerdict verdict)
    {
        await tx.InsertAmlEvaluation(new AmlEvaluation(AlertSubject.Of(verdict.Cashout), verdict.Holder, verdict.Aml.Outcome,
            verdict.Aml.Decisions.Select(DecisionRecord.From).ToList(), verdict.At));
        await CaseService.File(tx, verdict.Holder, verdict.Alerts, verdict.At);
    }

    /// <summary>
    /// Travel-rule data (IVMS101) is complete when the beneficiary is named on the destination: the originator is the
    /// holder, whom the operator knows from KYC.
    /// </summary>
    public static bool TravelRuleDataPresent(Destination destination) => !string.IsNullOrWhiteSpace(destination.AccountHolderName);

    private static CheckResult SanctionsResult(IReadOnlyList<NameScreening> screenings, AlertSubject subject, List<AlertDraft> alerts)
    {
        if (screenings.Any(s => s.Screen is null))
        {
            alerts.Add(new AlertDraft(SanctionsUnavailableRuleId, 1, AmlOutcome.Hold,
                "No sanctions list was loaded, so the names could not be screened; the cash-out is held until an officer reviews it.",
                [new AlertFigure("fields", string.Join(",", screenings.Where(s => s.Screen is null).Select(s => s.Field)))], subject));
            return new CheckResult(SanctionsCheck, CheckResult.Review, SanctionsUnavailableRuleId, "no sanctions list is loaded: the names could not be screened");
        }

        var hits = screenings.Where(s => s.Screen!.Result.IsHit).ToList();
        foreach (var hit in hits)
        {
            alerts.AddRange(HitAlerts(hit, subject));
        }

        var lists = string.Join(" ", screenings.Select(s => s.Screen!.Lists).Distinct(StringComparer.Ordinal));
        return hits.Count == 0
            ? CheckResult.Passed(SanctionsCheck, $"{string.Join(" and ", screenings.Select(s => s.Field))} screened against {lists}: no match")
            : new CheckResult(SanctionsCheck, CheckResult.Review, SanctionsRuleId,
                string.Join("; ", hits.Select(h => $"{h.Field}: {Describe(h.Screen!.Result.Best!)}")));
    }

    private static List<AlertDraft> HitAlerts(NameScreening s, AlertSubject subject)
    {
        if (s.Screen is not { Result.Best: { } best } screen)
        {
            return [];
        }

        var inv = CultureInfo.InvariantCulture;
        return
        [
            new AlertDraft(SanctionsRuleId, 1, AmlOutcome.Hold,
                $"The {s.Field.Replace('_', ' ')} matches {Describe(best)}.",
                [
                    new AlertFigure("field", s.Field),
                    new AlertFigure("list", best.Entry.ListId),
                    new AlertFigure("entry", best.Entry.Key),
                    new AlertFigure("matched_name", best.MatchedName),
                    new AlertFigure("score", best.Score.ToString("0.0000", inv)),
                    new AlertFigure("threshold", screen.Result.Threshold.ToString("0.00", inv)),
                    new AlertFigure("matches", screen.Result.Matches.Count.ToString(inv)),
                    new AlertFigure("lists", screen.Lists),
                    new AlertFigure("explanation", best.Explanation),
                ],
                subject),
        ];
    }

    /// <summary>The list entry and score (list data only, never the screened name).</summary>
    private static string Describe(ScreeningMatch m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Entry.Key} \"{m.MatchedName}\" with score {m.Score:0.000}");
}
