namespace Gim.MLNet.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher"/> found and did.</summary>
    public enum VersionNeedPatchResult
    {
        /// <summary>The requirement was strong; its weak flag is now set.</summary>
        Patched,
        /// <summary>The requirement was already weak; nothing was written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version at all; nothing was written.</summary>
        NotRequired,
    }
}
