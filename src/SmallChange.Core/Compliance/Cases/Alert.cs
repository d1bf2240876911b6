using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;

namespace SmallChange.Core.Compliance.Cases;

/// <summary>An alert's id (time-ordered).</summary>
public readonly record struct AlertId(Guid Value)
{
    public static AlertId New() => new(Uuid7.New());

    public override string ToString() => Value.ToString();
}

/// <summary>A case's id (time-ordered).</summary>
public readonly record struct CaseId(Guid Value)
{
    public static CaseId New() => new(Uuid7.New());

    /// <summary>The reference a report quotes: <c>CASE-</c> and the id's 32 hex digits.</summary>
    public string Reference => "CASE-" + Value.ToString("N").ToUpperInvariant();

    public override string ToString() => Value.ToString();
}

/// <summary>What an alert or an AML evaluation is about. Stored by its snake_case name.</summary>
public enum SubjectKind
{
    Holder,
    Destination,
    Cashout,

    /// <summary>A credit, named by its transfer id.</summary>
    Credit,
}

public static class SubjectKinds
{
    public static string ToWire(this SubjectKind k) => k switch
    {
        SubjectKind.Holder => "holder",
        SubjectKind.Destination => "destination",
        SubjectKind.Cashout => "cashout",
        SubjectKind.Credit => "credit",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    public static SubjectKind? FromWire(string? s) => s switch
    {
        "holder" => SubjectKind.Holder,
        "destination" => SubjectKind.Destination,
        "cashout" => SubjectKind.Cashout,
        "credit" => SubjectKind.Credit,
        _ => null,
    };
}

/// <summary>The thing an alert is about: a holder, a destination, a cash-out, or a credit (its transfer id).</summary>
public readonly record struct AlertSubject(SubjectKind Kind, Guid Id)
{
    public static AlertSubject Of(HolderId id) => new(SubjectKind.Holder, id.Value);

    public static AlertSubject Of(DestinationId id) => new(SubjectKind.Destination, id.Value);

    public static AlertSubject Of(CashoutId id) => new(SubjectKind.Cashout, id.Value);

    public static AlertSubject Of(TransferId creditTransfer) => new(SubjectKind.Credit, creditTransfer.Value);

    public override string ToString() => $"{Kind.ToWire()}:{Id}";
}

/// <summary>One number (or code) a rule saw, by name, as shown to the officer: <c>day_total = USD 9500.00</c>.</summary>
public sealed record AlertFigure(string Name, string Value)
{
    public static AlertFigure From(AmlFigure f) => new(f.Name, f.Display);
}

/// <summary>
/// What one rule decided about one subject, as archived: rule id and version, outcome, the officer's sentence and the
/// figures. Never a name or an account number.
/// </summary>
public sealed record DecisionRecord(string RuleId, int RuleVersion, AmlOutcome Outcome, string Explanation, IReadOnlyList<AlertFigure> Figures)
{
    public static DecisionRecord From(AmlDecision d) => new(d.RuleId, d.RuleVersion, d.Outcome, d.Explanation, d.Figures.Select(AlertFigure.From).ToList());
}

/// <summary>
/// A rule that did not allow, raised against a holder: the rule id and version, the outcome it asked for, the figures it
/// saw and what it was about. Every alert belongs to one case (the holder's open case, opened for it if needed).
/// </summary>
/// <param name="Explanation">The rule's sentence for the officer: amounts, counts and codes, never personal data of the holder.</param>
public sealed record Alert(
    AlertId Id,
    HolderId Holder,
    CaseId Case,
    string RuleId,
    int RuleVersion,
    AmlOutcome Outcome,
    string Explanation,
    IReadOnlyList<AlertFigure> Figures,
    AlertSubject Subject,
    DateTimeOffset CreatedAt)
{
    public override string ToString() => $"Alert {{ {Id}, {RuleId}@{RuleVersion} {Outcome.ToWire()}, {Subject} }}";
}

/// <summary>An alert before it is filed into a case.</summary>
public sealed record AlertDraft(string RuleId, int RuleVersion, AmlOutcome Outcome, string Explanation, IReadOnlyList<AlertFigure> Figures, AlertSubject Subject)
{
    public static AlertDraft From(AmlDecision d, AlertSubject subject) =>
        new(d.RuleId, d.RuleVersion, d.Outcome, d.Explanation, d.Figures.Select(AlertFigure.From).ToList(), subject);
}

/// <summary>One AML evaluation as archived: every rule's decision (allows included) about one subject.</summary>
public sealed record AmlEvaluation(AlertSubject Subject, HolderId Holder, AmlOutcome Outcome, IReadOnlyList<DecisionRecord> Decisions, DateTimeOffset EvaluatedAt);
