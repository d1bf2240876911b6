using SmallChange.Core.Common;
using SmallChange.Core.Quotes;

namespace SmallChange.Core.Cashouts;

// Automatic cash-out (issue 7, point 3): the worker prices a due rule before deciding whether to cash out at all, so a
// rule that waits for a cheaper amount does not store a quote on every pass.
public sealed partial class CashoutService
{
    /// <summary>
    /// Prices <paramref name="request"/> exactly as <see cref="Quote"/> does (same catalog, rates, sandbox setting and
    /// provider trust) without storing or locking anything.
    /// </summary>
    public async Task<Result<QuoteDraft>> Price(QuoteRequest request, CancellationToken ct = default)
    {
        var standing = trust is null ? null : await trust.Current(ct);
        return QuoteCalculator.Calculate(request with { IncludeSandbox = setup.IncludeSandbox, Standing = standing ?? request.Standing, RedFlags = request.RedFlags ?? setup.Catalog.Trust.RedFlags },
            setup.Catalog, setup.Rates);
    }
}
