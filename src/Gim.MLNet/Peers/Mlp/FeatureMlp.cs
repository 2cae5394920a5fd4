using Gim.MLNet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// An MLP from standardised features to <c>outputs</c> numbers: <c>depth</c> Linear+SiLU layers, then a
/// linear output layer whose weights start at a tenth of the default scale, so an untrained network
/// predicts "about the control".
/// </summary>
internal sealed class FeatureMlp : nn.Module<Tensor, Tensor>
{
    private readonly List<Linear> _hidden = new();
    private readonly Linear _output;

    public FeatureMlp(int features, int outputs, int depth, int width) : base(nameof(FeatureMlp))
    {
        int inputs = features;
        for (int layer = 0; layer < depth; layer++)
        {
            Linear linear = nn.Linear(inputs, width);
            _hidden.Add(linear);
            register_module($"hidden{layer}", linear);
            inputs = width;
        }
        _output = nn.Linear(inputs, outputs);
        register_module("output", _output);
        using var _ = no_grad();
        _output.weight!.mul_(0.1);
        _output.bias!.zero_();
    }

    public override Tensor forward(Tensor features)
    {
        Tensor h = features;
        foreach (Linear layer in _hidden) h = nn.functional.silu(layer.forward(h));
        return _output.forward(h);
    }

    /// <summary>Σ‖W‖² over the weight matrices (the L2 penalty).</summary>
    public Tensor WeightPenalty() =>
        _hidden.Append(_output).Select(l => l.weight!.square().sum()).Aggregate((a, b) => a + b);

    /// <summary>Output for one raw-standardised feature vector, as floats.</summary>
    public float[] Predict(float[] standardizedFeatures)
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        Tensor input = tensor(standardizedFeatures, new long[] { 1, standardizedFeatures.Length });
        return forward(input).data<float>().ToArray();
    }

    public MlpParameters ExportParameters()
    {
        using var scope = TorchScope.Enter();
        using var _ = no_grad();
        return new MlpParameters(
            _hidden.Select(l => (TensorArrays.ToMatrix(l.weight!), TensorArrays.ToVector(l.bias!))).ToArray(),
            TensorArrays.ToMatrix(_output.weight!), TensorArrays.ToVector(_output.bias!));
    }
}
