using System.ComponentModel;
using System.Diagnostics;
using Gim.MLNet.Samples.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// The main job on built-in data: generate the Hill-function drug screen, fit GIM in an ML.NET
/// pipeline, compare it with its peers, save and reload the pipeline, predict an unseen drug, plot.
/// </summary>
internal sealed class MainJobCommand : Command<MainJobCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the model, tables and plots (default: a new gim-run-<time> folder here).")]
        public string? Out { get; init; }

        [CommandOption("-q|--quick")]
        [Description("Small screen and short training: the whole job in well under a minute.")]
        public bool Quick { get; init; }

        [CommandOption("-s|--seed <SEED>")]
        [Description("Seed of the synthetic screen, of training and of the samples.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        public override ValidationResult Validate() => OptionValues.CheckOut(Out, "the output folder, e.g. --out run1");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-run");
        var job = new MainJob(settings.Seed, settings.Quick, folder.Path, cancellationToken);
        folder.RemoveIfFailed(job.Run);
        AnsiConsole.MarkupLineInterpolated($"[green]Done[/] in {clock.Elapsed.TotalSeconds:F0} s. Everything is in [bold]{folder.Path}[/]:");
        foreach (var (file, what) in job.Outputs)
            AnsiConsole.MarkupLineInterpolated($"  {Path.GetFileName(file),-28} {what}");
        return 0;
    }
}
