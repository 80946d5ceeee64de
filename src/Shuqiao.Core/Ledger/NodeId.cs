namespace Shuqiao.Core.Ledger;

/// <summary>
/// A full (perfect) subtree of the log: the node at <paramref name="Level"/> (0 = leaves) and position
/// <paramref name="Index"/> within that level, covering leaves <c>[Index·2^Level, (Index+1)·2^Level)</c>. This is the
/// addressing tlog-tiles uses, with tile level L holding the nodes of tree level 8·L.
/// </summary>
public readonly record struct NodeId(int Level, long Index)
{
    public long Start => Index << Level;

    public long End => (Index + 1) << Level;

    public override string ToString() => $"{Level}/{Index}";
}

/// <summary>A run of nodes at one level, <c>[Start, End)</c> by index, e.g. what one tile holds.</summary>
public readonly record struct NodeRange(int Level, long Start, long End)
{
    public long Count => End - Start;
}
