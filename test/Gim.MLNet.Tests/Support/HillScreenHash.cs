using System.Security.Cryptography;
using System.Text;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// A SHA-256 over everything a screen holds (graph, noise scales, names, every feature and cell bit, every
/// drug's truth), so a test can pin a screen to a value recorded once: any moved random draw changes it.
/// The double-valued truth (weights, scales, shifts, K, n) is hashed as floats, as the cells and features
/// are: a moved draw changes it anyway, and a last-bit difference of a libm function (Math.Pow in the Hill
/// curve, Math.Log in the spectral bound) on another platform then almost never reaches the hash.
/// </summary>
internal static class HillScreenHash
{
    public static string Of(HillScreen screen)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            foreach (double v in screen.TrueGraph) w.Write((float)v);
            foreach (double v in screen.NoiseScale) w.Write((float)v);
            w.Write((float)screen.GraphScale);
            w.Write((float)screen.SpectralRadius);
            foreach (DrugTruth drug in screen.Drugs)
            {
                w.Write(drug.Name);
                w.Write(drug.IsNew);
                foreach (int t in drug.Targets) w.Write(t);
                foreach (double a in drug.MaxShifts) w.Write((float)a);
                w.Write((float)drug.HillK);
                w.Write((float)drug.HillN);
                foreach (float f in drug.Descriptor) w.Write(f);
            }
            foreach (HillScreenSplit split in new[] { screen.Train, screen.PartialOod, screen.FullOod })
            {
                w.Write(split.Name);
                foreach (string name in split.Data.VariableNames) w.Write(name);
                foreach (string name in split.Data.FeatureNames) w.Write(name);
                foreach (PerturbationContext context in split.Data.Contexts)
                {
                    w.Write(context.Name);
                    w.Write(context.IsControl);
                    foreach (float f in context.Features) w.Write(f);
                    foreach (float x in context.Samples) w.Write(x);
                }
                foreach (ContextTruth truth in split.Truth)
                {
                    w.Write(truth.Drug);
                    w.Write((float)truth.Dose);
                    foreach (bool t in truth.Targets) w.Write(t);
                    foreach (double s in truth.Shift) w.Write((float)s);
                }
            }
        }
        return Convert.ToHexString(SHA256.HashData(stream.ToArray()));
    }
}
