using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;

namespace SmallChange.Pages.Console;

/// <summary>The KYC review queue: pending submissions, oldest first (the same queue as <c>GET /v1/compliance/kyc/queue</c>).</summary>
public sealed class KycModel(KycService kyc) : ConsolePage
{
    public const int PageSize = 50;

    public Page<KycSubmission> Queue { get; private set; } = new([], null);

    public async Task OnGetAsync(string? cursor, CancellationToken ct)
    {
        try
        {
            Queue = await kyc.Queue(cursor, PageSize, ct);
        }
        catch (InvalidCursorException)
        {
            Queue = await kyc.Queue(null, PageSize, ct); // a cursor that is not ours: start from the oldest
        }
    }
}
