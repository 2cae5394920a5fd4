using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Samples;

/// <summary>
/// Every wrong command line ends in one `error:` line naming the flag, exit code 2 and no .NET stack trace
/// (option checks used to crash with "Unhandled exception" and exit code 134), and creates no folder.
/// </summary>
public class CommandLineErrorTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Directory.CreateTempSubdirectory("gim-cli-errors-").FullName;
        File.WriteAllText(Path.Combine(_folder, "ok.csv"), "drug,fp_dose,g0,g1\nDMSO,0,1,2\nDMSO,0,1.1,2.2\nA,1,3,4\nA,1,3.3,4.1\n");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("fit --data ok.csv --context drug --feature-prefix fp_", "--control is required")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --known-targets crispr", "--known-targets is 'crispr'; expected shift, knockdown or hard")]
    [TestCase("fit --statistics stats --known-targets hard", "--known-targets hard cannot go with --statistics")]
    [TestCase("fit --statistics stats --known-targets crispr", "--known-targets is 'crispr'; expected shift, knockdown or hard")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --steps 0", "--steps must be ≥ 1; got 0")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --graph-rank -2", "--graph-rank must be 0 (a dense graph) or a rank ≥ 1; got -2")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --steps abc", "--steps: 'abc' is not a whole number")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --steps=abc", "--steps: 'abc' is not a whole number")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --lambda-t -1", "--lambda-t must be a finite number ≥ 0")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --lambda-t x", "--lambda-t: 'x' is not a number")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --free-phase 1", "--free-phase must be a share of the steps in [0, 1)")]
    [TestCase("fit --data ok.csv --context drug --control DMSO", "--features COL1,COL2 or --feature-prefix PREFIX")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --features fp_dose --feature-prefix fp_", "either --features or --feature-prefix, not both")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --measurements g0 --measurement-prefix g", "either --measurements or --measurement-prefix, not both")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --measurements g0 --ignore g1", "--ignore applies only when")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --layer counts", "--layer is for .h5ad files")]
    [TestCase("fit --data cells.h5ad --context drug --control DMSO --feature-prefix fp_", "--feature-prefix is for CSV files")]
    [TestCase("fit --data cells.xlsx --context drug --control DMSO --feature-prefix fp_", "expected .csv, .tsv, .txt or .h5ad")]
    [TestCase("fit --data ok.csv --context drug --feature-prefix fp_ --control ,", "--control ',' names no value")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --features ,", "--features ',' names no column")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --features fp_dose,fp_size --dose dose", "--dose 'dose' is not one of the --features columns")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --dose dose", "--dose 'dose' does not start with --feature-prefix 'fp_'")]
    [TestCase("--quick --seed x", "--seed: 'x' is not a whole number")]
    [TestCase("predict --model m.zip", "Give exactly one of --features, --input or --perturbation")]
    [TestCase("predict --model m.zip --features 1 --dose 3", "--dose, --covariates, --guide, --design and --descriptors go with --perturbation")]
    [TestCase("predict --model m.zip --perturbation A --covariates cell_type", "--covariates: 'cell_type' is not COLUMN=LEVEL")]
    [TestCase("predict --model m.zip --perturbation A --covariates cell_type=X,cell_type=Y", "--covariates gives 'cell_type' twice")]
    [TestCase("predict --model m.zip --perturbation A,A", "--perturbation names 'A' twice")]
    [TestCase("evaluate --model m.zip", "--data is required")]
    [TestCase("evaluate --model m.zip --data cells.loom", "expected .h5ad, .csv, .tsv or .txt")]
    [TestCase("fit --data ok.csv --context drug --perturbation drug --control DMSO", "give either --context")]
    [TestCase("fit --data ok.csv --perturbation drug --control DMSO", "nothing describes the perturbations")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --covariates line", "--covariates applies with --perturbation")]
    [TestCase("fit --data ok.csv --perturbation drug --control DMSO --dose dose --dose-as hill", "--dose-as is 'hill'; expected curve or log")]
    [TestCase("fit --data ok.csv --perturbation drug --control DMSO --dose dose --guide drug", "--guide 'drug' is also the --perturbation")]
    [TestCase("predict --model m.zip --features 1 --guide sg1", "--guide, --design and --descriptors go with --perturbation")]
    [TestCase("predict --model m.zip --perturbation g0,g1 --guide g0_sg1", "give a single --perturbation with it")]
    [TestCase("fit --data ok.csv --perturbation drug --control DMSO --dose dose --hvg 0", "--hvg must be ≥ 1")]
    [TestCase("fit --data ok.csv --perturbation drug --control DMSO --dose dose --stream", "--stream reads an .h5ad screen")]
    [TestCase("fit --data ok.h5ad --perturbation drug --control DMSO --dose dose --stream --hvg 10 --variables g0", "give --hvg or --variables, not both")]
    [TestCase("fit --statistics . --data ok.csv", "--data describes cells; --statistics fits from a statistics folder")]
    [TestCase("fit --statistics no-such-folder", "--statistics: no folder 'no-such-folder'")]
    [TestCase("sql-statistics --obs obs.parquet --contexts c.csv", "--values is required")]
    [TestCase("sql-statistics --values x.json --obs ok.csv --contexts ok.csv", "--values: no file 'x.json'")]
    [TestCase("simulate-screen --hold-out-drugs 12", "--hold-out-drugs must be between 0 and --drugs − 1 (11)")]
    [TestCase("simulate-screen --hold-out-dose 500", "--hold-out-dose must be one of the screen's doses")]
    [TestCase("predict --model m.zip --features 1 --count 0", "--count must be ≥ 1; got 0")]
    [TestCase("--out", "--out needs a value")]
    [TestCase("sachs --out", "--out needs a value")]
    [TestCase("fit --data ok.csv --context drug --control DMSO --feature-prefix fp_ --out", "--out needs a value")]
    [TestCase("predict --model m.zip --features 1 --out", "--out needs a value")]
    [TestCase("--no-such-option", "no-such-option")]
    public void WrongOptions_GiveAnErrorLineAndExitCode2(string commandLine, string expected)
    {
        var (exitCode, output) = SamplesApp.RunIn(_folder, TimeSpan.FromMinutes(1), commandLine.Split(' '));
        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("error:").And.Contain(expected));
        Assert.That(output, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "ok.csv" }),
            "a rejected command line creates nothing (`--out` alone used to run the job into a folder named __default_command)");
    }
}
