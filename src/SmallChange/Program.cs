using SmallChange.Cli;

// smallchange: one executable for the API server and every operator verb.
return await CliRoot.Build().Parse(args).InvokeAsync();

/// <summary>The entry point's type, for tests that need an assembly marker.</summary>
public partial class Program;
