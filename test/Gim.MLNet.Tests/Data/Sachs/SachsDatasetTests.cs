using Gim.MLNet.Data;
using Gim.MLNet.Data.Sachs;

namespace Gim.MLNet.Tests.Data.Sachs;

/// <summary>The shipped Sachs 2005 data match the data README.</summary>
public class SachsDatasetTests
{
    private static readonly PerturbationDataset Log = SachsDataset.Load();
    private static readonly PerturbationDataset Raw = SachsDataset.LoadRaw();

    [Test]
    public void Nine_conditions_with_the_README_cell_counts_and_the_control_first()
    {
        Assert.That(Log.Contexts.Select(c => c.Name), Is.EqualTo(SachsDataset.ConditionNames));
        Assert.That(Log.Contexts.ToDictionary(c => c.Name, c => c.SampleCount), Is.EqualTo(new Dictionary<string, int>
        {
            ["cd3cd28"] = 853, ["cd3cd28+icam2"] = 902, ["cd3cd28+aktinhib"] = 911, ["cd3cd28+g0076"] = 723,
            ["cd3cd28+psitect"] = 810, ["cd3cd28+u0126"] = 799, ["cd3cd28+ly294002"] = 848, ["pma"] = 913, ["b2camp"] = 707,
        }));
        Assert.That(Log.SampleCount, Is.EqualTo(7466));
        Assert.That(Log.Controls.Select(c => c.Name), Is.EqualTo(new[] { "cd3cd28" }));
        Assert.DoesNotThrow(() => Log.Validate());
    }

    [Test]
    public void Variables_and_reagent_features_are_named_and_indicate_the_reagents()
    {
        Assert.That(Log.VariableNames, Is.EqualTo(new[] { "Raf", "Mek", "Plcg", "PIP2", "PIP3", "Erk", "Akt", "PKA", "PKC", "P38", "Jnk" }));
        Assert.That(Log.FeatureNames, Is.EqualTo(SachsDataset.ReagentNames));
        float[] Features(string name) => Log.Contexts.Single(c => c.Name == name).Features;
        Assert.That(Features("cd3cd28"), Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(Features("cd3cd28+ly294002"), Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 0, 1, 0, 0 }));
        Assert.That(Features("pma"), Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 0, 0, 1, 0 }));
    }

    [Test]
    public void Load_is_the_natural_log_of_the_positive_raw_intensities()
    {
        // First row of sachs2005.csv: cd3cd28, Raf = 26.4, Jnk = 40.
        Assert.That(Raw.Contexts[0].Samples[0, 0], Is.EqualTo(26.4f));
        Assert.That(Log.Contexts[0].Samples[0, 0], Is.EqualTo(MathF.Log(26.4f)));
        Assert.That(Log.Contexts[0].Samples[0, 10], Is.EqualTo(MathF.Log(40f)));
        float min = Raw.Contexts.SelectMany(c => c.Samples.Cast<float>()).Min();
        Assert.That(min, Is.GreaterThan(0f), "log needs positive intensities");
        Assert.That(Log.Contexts.SelectMany(c => c.Samples.Cast<float>()).Min(), Is.EqualTo(MathF.Log(min)));
    }

    [Test]
    public void Consensus_graph_has_the_17_README_edges()
    {
        bool[,] graph = SachsDataset.ConsensusGraph();
        var names = SachsDataset.VariableNames;
        var edges = new List<string>();
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++)
                if (graph[i, j]) edges.Add($"{names[i]}->{names[j]}");

        Assert.That(edges, Is.EquivalentTo(new[]
        {
            "Raf->Mek", "Mek->Erk", "Plcg->PIP2", "Plcg->PIP3", "PIP3->PIP2", "Erk->Akt",
            "PKA->Raf", "PKA->Mek", "PKA->Erk", "PKA->Akt", "PKA->P38", "PKA->Jnk",
            "PKC->Raf", "PKC->Mek", "PKC->PKA", "PKC->P38", "PKC->Jnk",
        }));
    }

    [Test]
    public void Nominal_targets_follow_the_README_table()
    {
        Assert.That(SachsDataset.TargetedConditions, Is.EqualTo(new[]
        {
            "cd3cd28+aktinhib", "cd3cd28+g0076", "cd3cd28+psitect", "cd3cd28+u0126", "cd3cd28+ly294002", "pma", "b2camp",
        }));
        bool[,] mask = SachsDataset.NominalTargetMask();
        string[] targets = Enumerable.Range(0, 7)
            .Select(c => string.Join("+", Enumerable.Range(0, 11).Where(j => mask[c, j]).Select(j => SachsDataset.VariableNames[j]))).ToArray();
        Assert.That(targets, Is.EqualTo(new[] { "Akt", "PKC", "PIP2", "Mek", "PIP3", "PKC", "PKA" }));
        Assert.That(SachsDataset.NominalTargets["cd3cd28"], Is.Empty);
        Assert.That(SachsDataset.NominalTargets["cd3cd28+icam2"], Is.Empty);
        Assert.Throws<ArgumentException>(() => SachsDataset.NominalTargetMask(new[] { "dmso" }));
    }

    [Test]
    public void Split_is_80_20_within_every_condition_disjoint_complete_and_seeded()
    {
        var (train, test) = SachsDataset.Split(Log, seed: 7);
        var (train2, _) = SachsDataset.Split(Log, seed: 7);
        var (train3, _) = SachsDataset.Split(Log, seed: 8);

        for (int c = 0; c < 9; c++)
        {
            PerturbationContext all = Log.Contexts[c], a = train.Contexts[c], b = test.Contexts[c];
            Assert.That(a.SampleCount, Is.EqualTo((int)Math.Round(0.8 * all.SampleCount)));
            Assert.That(a.SampleCount + b.SampleCount, Is.EqualTo(all.SampleCount));
            Assert.That((a.Name, a.IsControl, a.Features), Is.EqualTo((all.Name, all.IsControl, all.Features)));
            var rows = Rows(a).Concat(Rows(b)).OrderBy(r => r).ToList();
            Assert.That(rows, Is.EqualTo(Rows(all).OrderBy(r => r).ToList()), $"{all.Name}: the two parts are the cells");
        }
        Assert.That(train2.Contexts[3].Samples, Is.EqualTo(train.Contexts[3].Samples));
        Assert.That(train3.Contexts[3].Samples, Is.Not.EqualTo(train.Contexts[3].Samples));
    }

    private static IEnumerable<string> Rows(PerturbationContext context) =>
        Enumerable.Range(0, context.SampleCount).Select(i => string.Join(",", Enumerable.Range(0, 11).Select(j => context.Samples[i, j].ToString("R"))));
}
