using Gim.MLNet.Samples.Commands;
using Spectre.Console.Cli;

var app = new CommandApp<MainJobCommand>();
app.Configure(config =>
{
    config.SetApplicationName("Gim.MLNet.Samples");
    config.SetApplicationVersion(Gim.MLNet.GimInfo.Version);
    config.AddExample("--quick", "--out", "run1");
    config.PropagateExceptions();
});
try
{
    return app.Run(args);
}
catch (CommandParseException e)
{
    Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    return 2;
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException or InvalidDataException)
{
    Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    if (Environment.GetEnvironmentVariable("GIM_SAMPLES_DEBUG") == "1") Spectre.Console.AnsiConsole.WriteException(e);
    return 1;
}
