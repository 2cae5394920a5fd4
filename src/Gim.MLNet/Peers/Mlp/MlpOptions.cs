using Gim.MLNet.Modeling;

namespace Gim.MLNet.Peers;

/// <summary>
/// Settings shared by the two black-box peers (<see cref="MeanShiftOptions"/>, <see cref="ConditionalGaussianOptions"/>):
/// an MLP on the standardised features, trained full batch over the training contexts with Adam.
/// The defaults (Depth 2, Width 64, LearningRate 0.01, MaxSteps 1000, WeightDecay 1e-3) were measured on the Hill
/// screen for both peers; each subclass's remarks give the numbers.
/// </summary>
public abstract class MlpOptions : PerturbationOptions
{
    private protected MlpOptions()
    {
    }

    /// <summary>Hidden layers (SiLU); 0 = a linear map of the standardised features. Default 2.</summary>
    public int Depth { get; set; } = 2;

    /// <summary>Width of each hidden layer (ignored when <see cref="Depth"/> is 0). Default 64.</summary>
    public int Width { get; set; } = 64;

    /// <summary>Adam learning rate. Default 0.01.</summary>
    public double LearningRate { get; set; } = 0.01;

    /// <summary>Number of full-batch optimisation steps. Default 1000.</summary>
    public int MaxSteps { get; set; } = 1000;

    /// <summary>L2 penalty on the weight matrices (not the biases), added to the loss. Default 1e-3.</summary>
    public double WeightDecay { get; set; } = 1e-3;

    /// <summary>
    /// CPU threads for TorchSharp while training; 0 = automatic (one thread below 256 variables, as for GIM).
    /// Default 0.
    /// </summary>
    public int Threads { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Depth >= 0, nameof(Depth), Depth, "≥ 0");
        Require(Width >= 1, nameof(Width), Width, "≥ 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite value > 0");
        Require(MaxSteps >= 1, nameof(MaxSteps), MaxSteps, "≥ 1");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite value ≥ 0");
        Require(Threads >= 0, nameof(Threads), Threads, "≥ 0 (0 = automatic)");
    }
}
