using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Ports;
using SmallChange.Core.Cashouts;

namespace SmallChange.Pages.Console;

/// <summary>
/// Cases, newest first, filtered by status and by the rule of any of their alerts; each row shows its alerts' rules.
/// The rule filter walks the rule's most recent alerts (at most <see cref="RuleScan"/>) to the cases they belong to.
/// </summary>
public sealed class CasesModel(IStore store, PayoutSetup setup) : ConsolePage
{
    public const int PageSize = 50;

    public const int RuleScan = 500;

    public sealed record Row(Case Case, IReadOnlyList<string> Rules);

    /// <summary><c>open</c> (the default), <c>closed</c> or <c>all</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>A rule id; empty: any rule.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>The rules of every configured jurisdiction, for the filter.</summary>
    public IReadOnlyList<string> KnownRules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Status = Status is "closed" or "all" ? Status : "open";
        Rule = string.IsNullOrWhiteSpace(Rule) ? null : Rule.Trim();
        KnownRules = setup.Profiles.All.SelectMany(p => AmlRuleSet.For(p).Rules).Select(r => r.Id)
            .Append(AmlRuleSet.UnevaluableRuleId).Concat(Rule is null ? [] : [Rule]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var status = CaseWire.StatusFromWire(Status);
        (Rows, NextCursor) = await store.ReadAsync<(IReadOnlyList<Row>, string?)>(async r =>
        {
            IReadOnlyList<Case> cases;
            string? next = null;
            if (Rule is null)
            {
                Page<Case> page;
                try
                {
                    page = await r.ListCases(new CaseFilter(Status: status), Cursor, PageSize);
                }
                catch (InvalidCursorException)
                {
                    page = await r.ListCases(new CaseFilter(Status: status), null, PageSize);
                }

                (cases, next) = (page.Items, page.NextCursor);
            }
            else
            {
                var list = new List<Case>();
                foreach (var id in (await r.ListAlerts(new AlertFilter(RuleId: Rule), null, RuleScan)).Items.Select(a => a.Case).Distinct())
                {
                    if (await r.GetCase(id) is { } c && (status is null || c.Status == status))
                    {
                        list.Add(c);
                    }
                }

                cases = list;
            }

            var rows = new List<Row>();
            foreach (var c in cases)
            {
                rows.Add(new Row(c, (await CaseService.AllAlerts(r, c.Id)).Select(a => a.RuleId).Distinct(StringComparer.Ordinal).ToList()));
            }

            return (rows, next);
        }, ct);
    }
}
