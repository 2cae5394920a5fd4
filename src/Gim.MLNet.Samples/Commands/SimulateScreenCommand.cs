using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Samples.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// `simulate-screen`: writes the built-in single-cell drug screen (<see cref="SingleCellScreen"/>) as biologists have such
/// data: raw counts in screen.h5ad (obs product_name, dose in nM, cell_type; vehicle cells labelled "vehicle") and the
/// drugs' descriptors in drugs.csv, ready for `fit --perturbation`.
/// </summary>
internal sealed class SimulateScreenCommand : Command<SimulateScreenCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for screen.h5ad and drugs.csv (default: a new gim-screen-<time> folder here).")]
        public string? Out { get; init; }

        [CommandOption("--seed <SEED>")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        [CommandOption("--genes <N>")]
        [DefaultValue(200)]
        public int Genes { get; init; }

        [CommandOption("--drugs <N>")]
        [DefaultValue(12)]
        public int Drugs { get; init; }

        [CommandOption("--cell-lines <N>")]
        [DefaultValue(2)]
        public int CellLines { get; init; }

        [CommandOption("--cells-per-condition <N>")]
        [Description("Cells per drug, dose and line.")]
        [DefaultValue(40)]
        public int CellsPerCondition { get; init; }

        [CommandOption("--vehicle-cells <N>")]
        [Description("Vehicle cells per line.")]
        [DefaultValue(160)]
        public int VehicleCells { get; init; }

        [CommandOption("--informativeness <RHO>")]
        [Description("How much of a drug's effect its descriptors determine, 0 to 1.")]
        [DefaultValue(0.8)]
        public double Informativeness { get; init; }

        [CommandOption("--hold-out-drugs <N>")]
        [Description("Write the last N drugs (every dose and line) and every other vehicle cell to heldout.h5ad instead of screen.h5ad: a held-out-drug split for `evaluate`.")]
        [DefaultValue(0)]
        public int HoldOutDrugs { get; init; }

        [CommandOption("--hold-out-dose <NM>")]
        [Description("Write every drug's cells at this dose (one of 10, 100, 1000, 10000 nM) and every other vehicle cell to heldout.h5ad: the held-out-dose split (sci-Plex's 10 µM in CPA's benchmark). With --hold-out-drugs, both go there.")]
        public double? HoldOutDose { get; init; }

        [CommandOption("--nonlinear")]
        [Description("Genes read their regulators through tanh instead of linearly.")]
        public bool Nonlinear { get; init; }

        public override ValidationResult Validate()
        {
            if (HoldOutDrugs < 0 || HoldOutDrugs >= Drugs)
                return ValidationResult.Error($"--hold-out-drugs must be between 0 and --drugs − 1 ({Drugs - 1}), so that some drugs remain to fit on; got {HoldOutDrugs}.");
            if (HoldOutDose is double dose && !new SingleCellScreenOptions().Doses.Contains(dose))
                return ValidationResult.Error($"--hold-out-dose must be one of the screen's doses (10, 100, 1000, 10000 nM); got {dose.ToString(CultureInfo.InvariantCulture)}.");
            return OptionValues.CheckOut(Out, "the output folder, e.g. --out screen1");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new SingleCellScreenOptions
        {
            Seed = settings.Seed, Genes = settings.Genes, Drugs = settings.Drugs, CellLines = settings.CellLines, CellsPerCondition = settings.CellsPerCondition,
            VehicleCellsPerLine = settings.VehicleCells, DescriptorInformativeness = settings.Informativeness,
            Mechanism = settings.Nonlinear ? MechanismKind.Nonlinear : MechanismKind.Linear,
        };
        options.Validate();
        var clock = Stopwatch.StartNew();
        OutputFolder folder = OutputFolder.Prepare(settings.Out, "gim-screen");
        SingleCellScreen screen = folder.RemoveIfFailed(() =>
        {
            SingleCellScreen drawn = SingleCellScreen.Generate(options);
            if (settings.HoldOutDrugs == 0 && settings.HoldOutDose is null)
                drawn.WriteH5ad(Path.Combine(folder.Path, "screen.h5ad"));
            else
            {
                var held = new HashSet<string>(drawn.DrugNames.TakeLast(settings.HoldOutDrugs));
                // Vehicle cells alternate between the files, so each has its own control cells.
                bool HeldOut(int i) => held.Contains(drawn.Perturbation[i]) || drawn.Perturbation[i] == options.VehicleLabel && i % 2 == 1
                    || drawn.Perturbation[i] != options.VehicleLabel && drawn.Dose[i] == settings.HoldOutDose;
                drawn.WriteH5ad(Path.Combine(folder.Path, "screen.h5ad"), i => !HeldOut(i));
                drawn.WriteH5ad(Path.Combine(folder.Path, "heldout.h5ad"), HeldOut);
            }
            drawn.WriteDescriptors(Path.Combine(folder.Path, "drugs.csv"));
            return drawn;
        });
        double density = screen.Counts.Data.Length / ((double)screen.Counts.Rows * screen.Counts.Columns);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[green]Done[/] in {clock.Elapsed.TotalSeconds:F1} s: {screen.Counts.Rows} cells × {screen.Counts.Columns} genes ({density:P0} non-zero) in [bold]{folder.Path}[/]:");
        AnsiConsole.MarkupLine("  screen.h5ad   raw counts (X, CSR); obs product_name, dose (nM), cell_type; vehicle = \"vehicle\"");
        if (settings.HoldOutDrugs > 0 || settings.HoldOutDose is not null)
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  heldout.h5ad  the same for {string.Join(" and ", new[]
            {
                settings.HoldOutDrugs > 0 ? $"the last {settings.HoldOutDrugs} drug(s) ({string.Join(", ", screen.DrugNames.TakeLast(settings.HoldOutDrugs))})" : null,
                settings.HoldOutDose is double dose ? $"every drug at {dose} nM" : null,
            }.Where(t => t is not null))}, and half the vehicle cells");
        AnsiConsole.MarkupLine("  drugs.csv     one row per drug: drug, desc1..desc8");
        AnsiConsole.MarkupLineInterpolated($"Fit it: fit --data {Path.Combine(folder.Path, "screen.h5ad")} --perturbation product_name --control vehicle --dose dose --covariates cell_type --descriptors {Path.Combine(folder.Path, "drugs.csv")}");
        return 0;
    }
}
