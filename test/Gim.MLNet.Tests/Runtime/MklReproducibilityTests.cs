using Gim.MLNet.Runtime;

namespace Gim.MLNet.Tests.Runtime;

/// <summary>
/// Loading the library asks MKL (libtorch's CPU BLAS) for run-to-run reproducible arithmetic, MKL_CBWR=AUTO, in the
/// native environment MKL reads, unless the process was started with the variable set. Without it a power-series
/// nonlinear fit reached one of two graphs in different processes (CheckpointResumeTests' power-series test failed in
/// about half of its runs).
/// </summary>
public class MklReproducibilityTests
{
    [Test]
    public void TheLibrary_SetsMklCbwrInTheNativeEnvironment_UnlessTheProcessHadIt()
    {
        Assert.That(MklReproducibility.Applied, Is.True);
        // .NET's own copy of the environment is the one the process started with; the native one is what MKL reads.
        string? atStart = Environment.GetEnvironmentVariable(MklReproducibility.Variable);
        Assert.That(MklReproducibility.NativeValue(MklReproducibility.Variable), Is.EqualTo(atStart ?? MklReproducibility.Mode));
    }

    [Test]
    public void SetIfUnset_WritesTheNativeEnvironment_AndKeepsAValueThatIsThere()
    {
        string name = "GIM_TEST_" + Guid.NewGuid().ToString("N");
        Assert.That(MklReproducibility.NativeValue(name), Is.Null);
        Assert.That(MklReproducibility.SetIfUnset(name, "first"), Is.True);
        Assert.That(MklReproducibility.NativeValue(name), Is.EqualTo("first"));
        Assert.That(MklReproducibility.SetIfUnset(name, "second"), Is.True);
        Assert.That(MklReproducibility.NativeValue(name), Is.EqualTo("first"), "a value already set is kept");
    }
}
