using System.ComponentModel;
using System.Diagnostics;
using Gim.MLNet.Samples.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// `sachs`: GIM on real data, the Sachs et al. (2005) flow-cytometry study shipped with the library: held-out
/// cells, nominal-target recovery and consensus-graph recovery (BENCHMARK.md §4), with a few peers for context.
/// </summary>
internal sealed class SachsCommand : Command<SachsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the plots (default: a new gim-run-<time> folder here).")]
        public string? Out { get; init; }

        [CommandOption("-s|--seed <SEED>")]
        [Description("Seed of the 80/20 split of every condition's cells, of training and of the predicted cells.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        public override ValidationResult Validate() => OptionValues.CheckOut(Out, "the output folder, e.g. --out run1");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-run");
        var job = new SachsJob(settings.Seed, folder.Path, cancellationToken);
        folder.RemoveIfFailed(job.Run);
        AnsiConsole.MarkupLineInterpolated($"[green]Done[/] in {clock.Elapsed.TotalSeconds:F0} s. Everything is in [bold]{folder.Path}[/]:");
        foreach (var (file, what) in job.Outputs)
            AnsiConsole.MarkupLineInterpolated($"  {Path.GetFileName(file),-28} {what}");
        return 0;
    }
}
