using Code.Core.State.Faster;
using Code.Testing;

namespace Code.Core.Tests.State.Faster;

public sealed class SingleFileLogCommitManagerTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new("code-commits");

    private string CommitFile => _directory.Combine("wal.commit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Commits_alternate_slots_and_are_listed_newest_first_after_reopening()
    {
        using (var commits = new SingleFileLogCommitManager(CommitFile))
        {
            commits.Commit(0, 100, [1, 1], 1, false);
            commits.Commit(0, 200, [2, 2, 2], 2, false);
            commits.Commit(0, 300, [3], 3, false);
        }

        using var reopened = new SingleFileLogCommitManager(CommitFile);

        Assert.Equal([3L, 2L], reopened.ListCommits());
        Assert.Equal([3], reopened.GetCommitMetadata(3));
        Assert.Equal([2, 2, 2], reopened.GetCommitMetadata(2));
        Assert.Null(reopened.GetCommitMetadata(1));
    }

    [Fact]
    public void A_torn_newest_slot_leaves_the_previous_commit()
    {
        using (var commits = new SingleFileLogCommitManager(CommitFile))
        {
            commits.Commit(0, 100, [1, 1, 1, 1], 1, false);
            commits.Commit(0, 200, [2, 2, 2, 2], 2, false);
        }

        var bytes = File.ReadAllBytes(CommitFile);
        bytes[20] ^= 0xFF;
        File.WriteAllBytes(CommitFile, bytes);
        using var reopened = new SingleFileLogCommitManager(CommitFile);

        Assert.Equal([1L], reopened.ListCommits());
        Assert.Equal([1, 1, 1, 1], reopened.GetCommitMetadata(1));
    }

    [Fact]
    public void Removed_commits_are_gone()
    {
        using var commits = new SingleFileLogCommitManager(CommitFile);
        commits.Commit(0, 100, [1], 1, false);
        commits.Commit(0, 200, [2], 2, false);

        commits.RemoveCommit(1);
        Assert.Equal([2L], commits.ListCommits());
        commits.RemoveAllCommits();
        Assert.Empty(commits.ListCommits());
    }
}
