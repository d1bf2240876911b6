using System.CommandLine;
using SmallChange.Cli;
using SmallChange.Hosting;

// smallchange: one executable for the API server and every operator verb.
try
{
    return await CliRoot.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is StoreConfigurationException or ConfigurationException or SmallChange.Adapters.Storage.PiiKeyFileException)
{
    Console.Error.WriteLine($"smallchange: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is SmallChange.Core.Ports.StoreUnavailableException or SmallChange.Core.Ports.WriteUnconfirmedException)
{
    Console.Error.WriteLine($"smallchange: {ex.Message}");
    return 3;
}

/// <summary>The entry point's type, for tests that need an assembly marker.</summary>
public partial class Program;
