using Gim.MLNet;
using static TorchSharp.torch;

Console.WriteLine($"Gim.MLNet {GimInfo.Version} on TorchSharp {GimInfo.TorchSharpVersion}");
using var scope = NewDisposeScope();
var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
var product = matmul(a, b);
Console.WriteLine($"[[1,2],[3,4]] x [[5,6],[7,8]] = [{string.Join(", ", product.data<float>().ToArray())}]");
