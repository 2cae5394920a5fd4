using Gim.MLNet.Onnx;

namespace Gim.MLNet.Causal;

/// <summary>
/// The nonlinear mechanisms as ONNX nodes: effective weights (mask and contraction rescaling applied, in
/// double, at export time) as constants, f(x) = tanh(x·W₁ᵀ + c₁)·V + x·Lᵀ, and the equilibrium solve unrolled
/// into a fixed number of iterations x ← f(x) + c (ONNX Loop is avoided so every runtime and optimiser
/// sees a plain feed-forward graph).
/// </summary>
internal sealed class NonlinearOnnxMechanisms
{
    private readonly OnnxGraphBuilder _g;
    private readonly string _firstT;   // [d, d·H]
    private readonly string _firstBias; // [d·H]
    private readonly string _output;   // [d·H, d], block diagonal: row j·H + h, column j holds r_j v_jh
    private readonly string? _linearT; // [d, d]: row i (cause), column j (effect) holds r_j L_ji; null without a linear term
    private readonly int _iterations;

    public NonlinearOnnxMechanisms(OnnxGraphBuilder g, NonlinearGimParameters p)
    {
        _g = g;
        _iterations = p.FixedPointIterations;
        int d = p.VariableCount, h = p.HiddenWidth;
        var firstT = new float[d, d * h];
        for (int j = 0; j < d; j++)
            for (int k = 0; k < h; k++)
                for (int i = 0; i < d; i++)
                    firstT[i, j * h + k] = i == j ? 0f : p.FirstWeight[j * h + k, i];
        double[] scale = ContractionScale(p);
        var output = new float[d * h, d];
        for (int j = 0; j < d; j++)
            for (int k = 0; k < h; k++)
                output[j * h + k, j] = (float)(scale[j] * p.OutputWeight[j, k]);
        _firstT = g.Constant("mechanism_w1t", firstT);
        _firstBias = g.Constant("mechanism_b1", p.FirstBias, d * h);
        _output = g.Constant("mechanism_v", output);
        if (p.LinearWeight is not null)
        {
            var linearT = new float[d, d];
            for (int j = 0; j < d; j++)
                for (int i = 0; i < d; i++)
                    linearT[i, j] = i == j ? 0f : (float)(scale[j] * p.LinearWeight[j, i]);
            _linearT = g.Constant("mechanism_lt", linearT);
        }
    }

    /// <summary>r_j = min(1, κ / R_j), R_j = Σ_i C_ji w_i / w_j, C_ji = |L_ji| + Σ_h |v_jh||W_jhi| (i ≠ j), in double.</summary>
    public static double[] ContractionScale(NonlinearGimParameters p)
    {
        int d = p.VariableCount, h = p.HiddenWidth;
        var logW = p.NormWeight.Select(t => NonlinearMechanisms.LogWeightBound * Math.Tanh(t / NonlinearMechanisms.LogWeightBound)).ToArray();
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double row = 0;
            for (int i = 0; i < d; i++)
            {
                if (i == j) continue;
                double bound = 0;
                for (int k = 0; k < h; k++) bound += Math.Abs(p.OutputWeight[j, k]) * Math.Abs(p.FirstWeight[j * h + k, i]);
                if (p.LinearWeight is not null) bound += Math.Abs(p.LinearWeight[j, i]);
                row += bound * Math.Exp(logW[i] - logW[j]);
            }
            scale[j] = p.ContractionFactor / Math.Max(row, p.ContractionFactor);
        }
        return scale;
    }

    /// <summary>f(x) for x [..., d].</summary>
    public string Apply(string x)
    {
        string pre = _g.Node("Add", new[] { _g.Node("MatMul", new[] { x, _firstT }), _firstBias });
        string mlp = _g.Node("MatMul", new[] { _g.Node("Tanh", new[] { pre }), _output });
        return _linearT is null ? mlp : _g.Node("Add", new[] { mlp, _g.Node("MatMul", new[] { x, _linearT }) });
    }

    /// <summary>x_K of x₀ = c, x_{k+1} = f(x_k) + c: the same K iterations as the TorchSharp model.</summary>
    public string Solve(string c)
    {
        string x = c;
        for (int k = 0; k < _iterations; k++)
            x = _g.Node("Add", new[] { Apply(x), c });
        return x;
    }
}
