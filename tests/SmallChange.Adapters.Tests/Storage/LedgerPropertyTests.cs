using FsCheck;
using FsCheck.Fluent;
using SmallChange.Core.Common;
using SmallChange.Core.Credits;
using SmallChange.Core.Holders;
using SmallChange.Core.Ledger;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Sources;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>
/// Property tests of the ledger's invariants over random sequences of credits, holds, posts, voids, reversals,
/// expiries and direct debits, against the real store, each step compared with a reference model:
/// every outcome matches the model, no wallet ever goes negative, and the ledger verifies at the end.
/// </summary>
public abstract class LedgerPropertyTests(IStoreBackend backend)
{
    public enum OpKind { Credit, Hold, Post, PartialPost, Void, Reverse, Advance, Sweep, Debit }

    public sealed record Op(OpKind Kind, int Holder, long Amount, int Target, int Minutes)
    {
        public override string ToString() => $"{Kind}(h{Holder}, {Amount}, #{Target}, {Minutes}m)";
    }

    private const int Holders = 3;

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency(
            (5, Gen.Constant(OpKind.Credit)), (4, Gen.Constant(OpKind.Hold)), (2, Gen.Constant(OpKind.Post)), (1, Gen.Constant(OpKind.PartialPost)),
            (2, Gen.Constant(OpKind.Void)), (2, Gen.Constant(OpKind.Reverse)), (3, Gen.Constant(OpKind.Advance)), (1, Gen.Constant(OpKind.Sweep)),
            (2, Gen.Constant(OpKind.Debit)))
        from holder in Gen.Choose(0, Holders - 1)
        from amount in Gen.Choose(1, 1_000)
        from target in Gen.Choose(0, 40)
        from minutes in Gen.Choose(1, 90)
        select new Op(kind, holder, amount, target, minutes);

    [Fact]
    public void RandomOperations_AnySequence_MatchModelAndKeepInvariants()
    {
        var arb = Arb.From(Gen.ListOf(OpGen).Select(l => l.ToList()), ops => Shrinks(ops));
        var property = Prop.ForAll(arb, ops => Run(ops).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100).WithEndSize(80), property);
    }

    private static IEnumerable<List<Op>> Shrinks(List<Op> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            yield return ops.Where((_, j) => j != i).ToList();
        }
    }

    private sealed class Model
    {
        public readonly long[] CreditsPosted = new long[Holders];
        public readonly long[] DebitsPosted = new long[Holders];
        public readonly long[] DebitsPending = new long[Holders];

        public long Available(int h) => CreditsPosted[h] - DebitsPosted[h] - DebitsPending[h];
    }

    private sealed record Hold(TransferId Id, int Holder, long Amount, DateTimeOffset Timeout)
    {
        public bool Resolved { get; set; }
    }

    private sealed record Movement(Transfer Transfer, int Holder, bool IntoWallet)
    {
        public bool Reversed { get; set; }
    }

    private async Task<bool> Run(List<Op> ops)
    {
        var clock = new ManualClock();
        await using var store = await backend.Create(clock);
        var engine = new LedgerEngine(clock);
        var accounts = new AccountDirectory(store);
        var credits = new CreditService(store, accounts, clock);
        var source = new Source(SourceId.New(), "prop", SourceType.Other, [Currencies.USD], clock.GetUtcNow());
        var holders = Enumerable.Range(0, Holders).Select(i => new Holder(HolderId.New(), $"p-{Guid.NewGuid():N}", new PersonName("P"), "US", HolderStatus.Active, 1, clock.GetUtcNow())).ToArray();
        await store.WriteAsync(async tx =>
        {
            await tx.InsertSource(source);
            foreach (var h in holders)
            {
                await tx.InsertHolder(h);
            }

            return 0;
        });
        var wallets = new AccountId[Holders];
        for (var i = 0; i < Holders; i++)
        {
            wallets[i] = await accounts.Resolve(AccountKey.Wallet(holders[i].Id, Currencies.USD));
        }

        var clearing = await accounts.Resolve(AccountKey.Clearing(Currencies.USD));
        var fees = await accounts.Resolve(AccountKey.Fees(Currencies.USD));
        var model = new Model();
        var holds = new List<Hold>();
        var movements = new List<Movement>();
        var n = 0;

        foreach (var op in ops)
        {
            n++;
            var h = op.Holder;
            switch (op.Kind)
            {
                case OpKind.Credit:
                {
                    var r = await credits.Apply(source.Id, [new CreditCommand($"c{n}", new HolderRef(holders[h].Id, null), new Money(op.Amount, Currencies.USD), clock.GetUtcNow())], false);
                    Assert.Equal(CreditOutcomeStatus.Created, r.Value[0].Status);
                    model.CreditsPosted[h] += op.Amount;
                    var t = await store.ReadAsync(x => x.GetTransfer(r.Value[0].Credit!.TransferId));
                    movements.Add(new Movement(t!, h, IntoWallet: true));
                    break;
                }

                case OpKind.Hold:
                {
                    var r = await store.WriteAsync(tx => engine.ApplyOne(tx, TransferRequest.Hold(TransferId.New(), wallets[h], clearing, op.Amount, ReasonCodes.CashoutHold, TimeSpan.FromMinutes(op.Minutes))));
                    var expected = model.Available(h) >= op.Amount;
                    Assert.Equal(expected ? TransferStatus.Created : TransferStatus.InsufficientFunds, r.Status);
                    if (expected)
                    {
                        model.DebitsPending[h] += op.Amount;
                        holds.Add(new Hold(r.Transfer!.Id, h, op.Amount, clock.GetUtcNow().AddMinutes(op.Minutes)));
                    }

                    break;
                }

                case OpKind.Post or OpKind.PartialPost or OpKind.Void:
                {
                    if (holds.Count == 0)
                    {
                        break;
                    }

                    var hold = holds[op.Target % holds.Count];
                    var post = op.Kind != OpKind.Void;
                    var amount = op.Kind == OpKind.PartialPost ? Math.Min(op.Amount, hold.Amount) : 0;
                    var request = post
                        ? TransferRequest.Post(TransferId.New(), hold.Id, ReasonCodes.CashoutPost, amount)
                        : TransferRequest.Void(TransferId.New(), hold.Id, ReasonCodes.CashoutVoid);
                    var r = await store.WriteAsync(tx => engine.ApplyOne(tx, request));
                    var expired = post && hold.Timeout <= clock.GetUtcNow();
                    var ok = !hold.Resolved && !expired;
                    Assert.True(ok == (r.Status == TransferStatus.Created), $"step {n} {op}: expected ok={ok}, got {r.Status}");
                    if (ok)
                    {
                        hold.Resolved = true;
                        model.DebitsPending[hold.Holder] -= hold.Amount;
                        if (post)
                        {
                            var posted = amount == 0 ? hold.Amount : amount;
                            model.DebitsPosted[hold.Holder] += posted;
                            movements.Add(new Movement(r.Transfer!, hold.Holder, IntoWallet: false));
                        }
                    }

                    break;
                }

                case OpKind.Reverse:
                {
                    if (movements.Count == 0)
                    {
                        break;
                    }

                    var m = movements[op.Target % movements.Count];
                    var r = await store.WriteAsync(tx => engine.ApplyOne(tx, TransferRequest.Reversal(TransferId.New(), m.Transfer, ReasonCodes.Reversal)));
                    // Reversing money into a wallet takes it out again: refused if the wallet no longer has it.
                    var ok = !m.Reversed && (!m.IntoWallet || model.Available(m.Holder) >= m.Transfer.Amount);
                    var expectedStatus = m.Reversed ? TransferStatus.AlreadyReversed : ok ? TransferStatus.Created : TransferStatus.InsufficientFunds;
                    Assert.True(expectedStatus == r.Status, $"step {n} {op}: expected {expectedStatus}, got {r.Status}");
                    if (ok)
                    {
                        m.Reversed = true;
                        if (m.IntoWallet)
                        {
                            model.DebitsPosted[m.Holder] += m.Transfer.Amount;
                        }
                        else
                        {
                            model.CreditsPosted[m.Holder] += m.Transfer.Amount;
                        }
                    }

                    break;
                }

                case OpKind.Advance:
                    clock.Advance(TimeSpan.FromMinutes(op.Minutes));
                    break;

                case OpKind.Sweep:
                {
                    var voids = await store.WriteAsync(tx => engine.VoidExpired(tx, 1_000));
                    var due = holds.Where(x => !x.Resolved && x.Timeout <= clock.GetUtcNow()).ToList();
                    Assert.Equal(due.Count, voids.Count);
                    foreach (var d in due)
                    {
                        d.Resolved = true;
                        model.DebitsPending[d.Holder] -= d.Amount;
                    }

                    break;
                }

                case OpKind.Debit:
                {
                    var r = await store.WriteAsync(tx => engine.ApplyOne(tx, TransferRequest.Single(TransferId.New(), wallets[h], fees, op.Amount, ReasonCodes.Correction)));
                    var ok = model.Available(h) >= op.Amount;
                    Assert.Equal(ok ? TransferStatus.Created : TransferStatus.InsufficientFunds, r.Status);
                    if (ok)
                    {
                        model.DebitsPosted[h] += op.Amount;
                        movements.Add(new Movement(r.Transfer!, h, IntoWallet: false));
                    }

                    break;
                }
            }

            for (var i = 0; i < Holders; i++)
            {
                var a = (await store.ReadAsync(x => x.GetAccount(wallets[i])))!;
                Assert.True(a.Available.Units >= 0, $"step {n}: wallet {i} negative");
                Assert.Equal(model.Available(i), a.Available.Units);
                Assert.Equal(model.DebitsPending[i], a.DebitsPending);
            }
        }

        var report = await LedgerVerifier.Verify(store);
        Assert.True(report.Ok, report.FirstViolation);
        return true;
    }
}

public sealed class SqliteLedgerPropertyTests() : LedgerPropertyTests(new SqliteBackend());
public sealed class PostgresLedgerPropertyTests() : LedgerPropertyTests(new PostgresBackend());
