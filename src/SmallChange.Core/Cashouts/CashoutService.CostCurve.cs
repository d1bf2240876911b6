using SmallChange.Core.Common;
using SmallChange.Core.Quotes;

namespace SmallChange.Core.Cashouts;

// The cost curve behind the cash-out wizard's chart (issue 7): the same quote engine, over a range of amounts.
public sealed partial class CashoutService
{
    /// <summary>
    /// The effective cost of each provider of <paramref name="request"/>'s method at each of its amounts, priced as a
    /// quote would be now (sandbox providers as this host quotes them, the provider trust rules applied). Nothing is
    /// stored or locked.
    /// </summary>
    public async Task<Result<IReadOnlyList<CostCurveSeries>>> CostCurve(CostCurveRequest request, CancellationToken ct = default)
    {
        var standing = trust is null ? null : await trust.Current(ct);
        return QuoteCalculator.CostCurve(request with { IncludeSandbox = setup.IncludeSandbox, Standing = standing ?? request.Standing, RedFlags = request.RedFlags ?? setup.Catalog.Trust.RedFlags },
            setup.Catalog, setup.Rates);
    }
}
