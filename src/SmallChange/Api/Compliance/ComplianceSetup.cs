using Microsoft.Extensions.Logging.Abstractions;
using SmallChange.Adapters.Lists;
using SmallChange.Core.Cashouts;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Workers;

namespace SmallChange.Api.Compliance;

/// <summary>
/// Sanctions screening, AML monitoring, cases and reports in the host: the stored lists behind <see cref="ISanctionsCheck"/>,
/// the checks the cash-out, holder and destination paths call, the report generator with the operator's filer, the case
/// service, and the credit monitor's worker.
/// </summary>
public static class ComplianceSetup
{
    public static WebApplicationBuilder AddCompliance(this WebApplicationBuilder builder, ServeOptions options)
    {
        var reporting = ReportingConfig.Load(options.ConfigDir);
        builder.Services.AddSingleton(reporting);
        // The imported, versioned lists (and the list files for any list never imported): see StoredSanctionsCheck.
        builder.Services.AddSingleton<ISanctionsCheck, StoredSanctionsCheck>();
        builder.Services.AddSingleton<ComplianceChecks>();
        builder.Services.AddSingleton(sp => new ReportService(sp.GetRequiredService<PayoutSetup>(), reporting.Filer, reporting.Formats()));
        builder.Services.AddSingleton<CaseService>();
        // The credit monitor's per-holder window cache: on unless SmallChange:Aml:CreditWindowCache is false; an entry is
        // read again after SmallChange:Aml:CreditWindowCacheSeconds (60).
        builder.Services.AddSingleton(sp => new AmlCreditMonitor(sp.GetRequiredService<IStore>(), sp.GetRequiredService<ComplianceChecks>(),
            sp.GetRequiredService<PayoutSetup>(), sp.GetRequiredService<TimeProvider>())
        {
            CacheWindows = builder.Configuration.GetValue("SmallChange:Aml:CreditWindowCache", true),
            CacheLifetime = TimeSpan.FromSeconds(Math.Clamp(builder.Configuration.GetValue("SmallChange:Aml:CreditWindowCacheSeconds", 60), 1, 3_600)),
        });
        if (options.RunWorkers)
        {
            builder.Services.AddHostedService<AmlCreditWorker>();
        }

        return builder;
    }

    /// <summary>
    /// The checks and the report generator for tools that run without the web host (<c>demo</c>, <c>bench decide</c>):
    /// the lists in <paramref name="listsFolder"/> (default: <c>testdata/sanctions</c> above the current folder or the
    /// executable) and the filer of <c>reporting.json</c> in <paramref name="configDir"/>.
    /// </summary>
    public static (ComplianceChecks Checks, ReportService Reports) ForTool(PayoutSetup setup, string configDir, string? listsFolder = null, double? threshold = null)
    {
        var folder = listsFolder ?? SanctionsListFolder.FindDefault(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        var sanctions = new FolderSanctionsCheck(folder, threshold ?? SanctionsScreenerOptions.RecommendedThreshold, NullLogger<FolderSanctionsCheck>.Instance);
        var reporting = ReportingConfig.Load(configDir);
        return (new ComplianceChecks(sanctions, setup), new ReportService(setup, reporting.Filer, reporting.Formats()));
    }
}
