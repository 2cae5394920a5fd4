using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Gim.MLNet.Build
{
    /// <summary>
    /// MSBuild task: makes a native library's requirement of <see cref="VersionName"/> weak so that
    /// it loads with an older libstdc++. Idempotent; a malformed file fails the build with the path
    /// and the reason.
    /// </summary>
    public sealed class PatchGlibcxxRequirement : Task
    {
        /// <summary>The libraries to patch (normally every libLibTorchSharp.so in an output folder).</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The version requirement to weaken.</summary>
        public string VersionName { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                {
                    Log.LogError($"Gim.MLNet: cannot patch '{path}': the file does not exist.");
                    continue;
                }
                try
                {
                    VersionNeedPatchResult result = ElfVersionNeedPatcher.PatchFile(path, VersionName);
                    Log.LogMessage(MessageImportance.Low, $"Gim.MLNet: {path}: {VersionName} requirement {Describe(result)}.");
                    if (result == VersionNeedPatchResult.Patched)
                        Log.LogMessage(MessageImportance.Normal, $"Gim.MLNet: marked the {VersionName} requirement of '{path}' weak so TorchSharp loads with this system's libstdc++.");
                }
                catch (ElfFormatException e)
                {
                    Log.LogError($"Gim.MLNet: cannot patch '{path}': expected a 64-bit little-endian ELF shared library, but {e.Message}. Delete the file (or the bin/obj folders) and rebuild; if it persists, clear the NuGet cache entry for libtorch/TorchSharp.");
                }
                catch (IOException e)
                {
                    Log.LogError($"Gim.MLNet: cannot patch '{path}': {e.Message}");
                }
                catch (UnauthorizedAccessException e)
                {
                    Log.LogError($"Gim.MLNet: cannot patch '{path}': {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }

        private static string Describe(VersionNeedPatchResult result) => result switch
        {
            VersionNeedPatchResult.Patched => "marked weak",
            VersionNeedPatchResult.AlreadyWeak => "already weak (unchanged)",
            _ => "absent (unchanged)",
        };
    }
}
