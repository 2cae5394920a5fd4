using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Tests.Support;

namespace Gim.MLNet.Tests.Causal.Training;

/// <summary>
/// Controls are observed without intervention: with <see cref="GimOptions.ControlTargetWeight"/> the encoder learns that
/// a control's features mean "nothing targeted", even when the target-sparsity penalty is small.
/// </summary>
public class ControlTargetTests
{
    /// <summary>
    /// One drug at doses 1, 2, 3 that shifts variable 1, and controls at dose 0: the only feature is the dose, so a
    /// linear encoder must extrapolate from the treated doses to the control's unless the controls' "no target" is used.
    /// </summary>
    private static PerturbationDataset DoseOnlyScreen()
    {
        var rng = new Random(5);
        PerturbationContext Context(string name, float dose, bool control)
        {
            var cells = new float[150, TinyLinearScm.Variables];
            for (int i = 0; i < 150; i++)
            {
                float[] x = TinyLinearScm.Draw(rng, control ? -1 : 1, 1.5 * dose);
                for (int j = 0; j < x.Length; j++) cells[i, j] = x[j];
            }
            return new PerturbationContext(name, new[] { dose }, cells, control);
        }
        return new PerturbationDataset(new[] { Context("control", 0, true), Context("d1", 1, false), Context("d2", 2, false), Context("d3", 3, false) },
            TinyLinearScm.VariableNames, new[] { "dose" });
    }

    private static (float[] Control, float[] Treated) Probabilities(double controlTargetWeight)
    {
        GimOptions options = TinyLinearScm.Options(steps: 600);
        options.TargetSparsity = 0.05;
        options.ControlTargetWeight = controlTargetWeight;
        using GimModel model = new GimTrainer(options).Fit(DoseOnlyScreen());
        float[] control = model.Explain(new[] { 0f }).TargetProbabilities;
        float[] treated = model.Explain(new[] { 1f }).TargetProbabilities;
        TestContext.Out.WriteLine($"weight {controlTargetWeight}: π(dose 0) = [{string.Join(", ", control.Select(p => p.ToString("F3")))}], π(dose 1) = [{string.Join(", ", treated.Select(p => p.ToString("F3")))}]");
        return (control, treated);
    }

    [Test]
    public void TheControlsOwnFeatures_PredictNoTarget_AndTheTreatedKeepTheirs()
    {
        var (control, treated) = Probabilities(controlTargetWeight: 1);
        Assert.That(control.Max(), Is.LessThan(0.5), "π for the control's own features: no MAP target");
        Assert.That(treated[1], Is.GreaterThan(0.5), "π of the drug's true target at its lowest dose");
    }

    [Test]
    public void WithoutTheTerm_TheControlInheritsTheDrugsTarget()
    {
        // What the term is for: the same fit without it extrapolates the drug's target to dose 0.
        Assert.That(Probabilities(controlTargetWeight: 0).Control[1], Is.GreaterThan(0.5));
    }

    [Test]
    public void ANegativeOrNonFiniteWeight_IsRejectedByName()
    {
        foreach (double bad in new[] { -1, double.NaN, double.PositiveInfinity })
            Assert.That(() => new GimOptions { ControlTargetWeight = bad }.Validate(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains(nameof(GimOptions.ControlTargetWeight)));
    }
}
