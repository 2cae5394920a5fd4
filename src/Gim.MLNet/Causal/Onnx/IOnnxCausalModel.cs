namespace Gim.MLNet.Causal;

/// <summary>
/// The causal half of an exported GIM graph (standardised units, rows [N, d]); <see cref="GimOnnxGraph"/> builds
/// the rest (encoder, targets, noise, modes, outputs) the same way for every causal model.
/// </summary>
internal interface IOnnxCausalModel
{
    /// <summary>The cells x that solve the model for exogenous input <paramref name="exogenous"/> (b + t⊙ψ + noise).</summary>
    string Solve(string exogenous);

    /// <summary>What the mechanisms leave of cells <paramref name="x"/>: x − f(x) (A x for the linear model).</summary>
    string Residual(string x);

    /// <summary>E[x] under targets <paramref name="targets"/>, given the intercept b + t⊙ψ and the noise scale as node functions of the targets.</summary>
    string Mean(string targets, Func<string, string> intercept, Func<string, string> noiseScale);
}
