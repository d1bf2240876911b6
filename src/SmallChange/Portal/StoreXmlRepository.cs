using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using SmallChange.Core.Identity;
using SmallChange.Core.Ports;

namespace SmallChange.Portal;

/// <summary>
/// Keeps the Data Protection key ring in the database, so every node and every restart reads the same keys: session
/// cookies, password-reset links and the protected authenticator secrets stay valid. Keys are stored as Data
/// Protection writes them (not encrypted by a second key; see docs/security.md). Data Protection's repository API is
/// synchronous and called rarely (at start and when the ring is refreshed or rotated), so it waits on the store here.
/// </summary>
public sealed class StoreXmlRepository(IStore store, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.ReadAsync(r => r.ListDataProtectionKeys()).GetAwaiter().GetResult().Select(k => XElement.Parse(k.Xml)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        store.WriteAsync(async tx =>
        {
            await tx.InsertDataProtectionKey(new StoredXmlKey(friendlyName, element.ToString(SaveOptions.DisableFormatting), clock.GetUtcNow()));
            return 0;
        }).GetAwaiter().GetResult();
}
