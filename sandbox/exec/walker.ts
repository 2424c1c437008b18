/**
 * The child slots of a binaryen expression, as getter/setter pairs, so a pass can rewrite any child in place.
 * It is a whitelist: an expression kind it does not know is refused (`unsupported_instruction`), so a binaryen
 * upgrade can never let an unmetered construct slip through.
 */
import type { Binaryen } from './binaryen.js'
import { AdmissionError } from './errors.js'

export interface Slot {
  get: () => number
  set: (expr: number) => void
}

type SlotFn = (B: Binaryen, e: number) => Slot[]

const one = (get: (e: number) => number, set: (e: number, c: number) => void) =>
  (e: number): Slot => ({ get: () => get(e), set: c => set(e, c) })

function listSlots (count: number, get: (i: number) => number, set: (i: number, c: number) => void): Slot[] {
  const out: Slot[] = []
  for (let i = 0; i < count; i++) out.push({ get: () => get(i), set: c => set(i, c) })
  return out
}

const optional = (slot: Slot): Slot[] => slot.get() !== 0 ? [slot] : []

function table (B: Binaryen): Map<number, SlotFn> {
  const m = new Map<number, SlotFn>()
  const none: SlotFn = () => []
  for (const id of [B.LocalGetId, B.GlobalGetId, B.ConstId, B.MemorySizeId, B.NopId, B.UnreachableId, B.DataDropId,
    B.RefNullId, B.RefFuncId, B.TableSizeId]) m.set(id, none)
  m.set(B.BlockId, (_, e) => listSlots(B.Block.getNumChildren(e), i => B.Block.getChildAt(e, i), (i, c) => B.Block.setChildAt(e, i, c)))
  m.set(B.IfId, (_, e) => [
    one(B.If.getCondition, B.If.setCondition)(e), one(B.If.getIfTrue, B.If.setIfTrue)(e),
    ...optional(one(B.If.getIfFalse, B.If.setIfFalse)(e))])
  m.set(B.LoopId, (_, e) => [one(B.Loop.getBody, B.Loop.setBody)(e)])
  m.set(B.BreakId, (_, e) => [...optional(one(B.Break.getValue, B.Break.setValue)(e)), ...optional(one(B.Break.getCondition, B.Break.setCondition)(e))])
  m.set(B.SwitchId, (_, e) => [...optional(one(B.Switch.getValue, B.Switch.setValue)(e)), one(B.Switch.getCondition, B.Switch.setCondition)(e)])
  m.set(B.CallId, (_, e) => listSlots(B.Call.getNumOperands(e), i => B.Call.getOperandAt(e, i), (i, c) => B.Call.setOperandAt(e, i, c)))
  m.set(B.CallIndirectId, (_, e) => [
    ...listSlots(B.CallIndirect.getNumOperands(e), i => B.CallIndirect.getOperandAt(e, i), (i, c) => B.CallIndirect.setOperandAt(e, i, c)),
    one(B.CallIndirect.getTarget, B.CallIndirect.setTarget)(e)])
  m.set(B.LocalSetId, (_, e) => [one(B.LocalSet.getValue, B.LocalSet.setValue)(e)])
  m.set(B.GlobalSetId, (_, e) => [one(B.GlobalSet.getValue, B.GlobalSet.setValue)(e)])
  m.set(B.LoadId, (_, e) => [one(B.Load.getPtr, B.Load.setPtr)(e)])
  m.set(B.StoreId, (_, e) => [one(B.Store.getPtr, B.Store.setPtr)(e), one(B.Store.getValue, B.Store.setValue)(e)])
  m.set(B.UnaryId, (_, e) => [one(B.Unary.getValue, B.Unary.setValue)(e)])
  m.set(B.BinaryId, (_, e) => [one(B.Binary.getLeft, B.Binary.setLeft)(e), one(B.Binary.getRight, B.Binary.setRight)(e)])
  m.set(B.SelectId, (_, e) => [one(B.Select.getIfTrue, B.Select.setIfTrue)(e), one(B.Select.getIfFalse, B.Select.setIfFalse)(e), one(B.Select.getCondition, B.Select.setCondition)(e)])
  m.set(B.DropId, (_, e) => [one(B.Drop.getValue, B.Drop.setValue)(e)])
  m.set(B.ReturnId, (_, e) => optional(one(B.Return.getValue, B.Return.setValue)(e)))
  m.set(B.MemoryGrowId, (_, e) => [one(B.MemoryGrow.getDelta, B.MemoryGrow.setDelta)(e)])
  m.set(B.MemoryInitId, (_, e) => [one(B.MemoryInit.getDest, B.MemoryInit.setDest)(e), one(B.MemoryInit.getOffset, B.MemoryInit.setOffset)(e), one(B.MemoryInit.getSize, B.MemoryInit.setSize)(e)])
  m.set(B.MemoryCopyId, (_, e) => [one(B.MemoryCopy.getDest, B.MemoryCopy.setDest)(e), one(B.MemoryCopy.getSource, B.MemoryCopy.setSource)(e), one(B.MemoryCopy.getSize, B.MemoryCopy.setSize)(e)])
  m.set(B.MemoryFillId, (_, e) => [one(B.MemoryFill.getDest, B.MemoryFill.setDest)(e), one(B.MemoryFill.getValue, B.MemoryFill.setValue)(e), one(B.MemoryFill.getSize, B.MemoryFill.setSize)(e)])
  m.set(B.RefIsNullId, (_, e) => [one(B.RefIsNull.getValue, B.RefIsNull.setValue)(e)])
  m.set(B.TableGetId, (_, e) => [one(B.TableGet.getIndex, B.TableGet.setIndex)(e)])
  m.set(B.TableSetId, (_, e) => [one(B.TableSet.getIndex, B.TableSet.setIndex)(e), one(B.TableSet.getValue, B.TableSet.setValue)(e)])
  m.set(B.TableGrowId, (_, e) => [one(B.TableGrow.getValue, B.TableGrow.setValue)(e), one(B.TableGrow.getDelta, B.TableGrow.setDelta)(e)])
  m.set(B.TupleMakeId, (_, e) => listSlots(B.TupleMake.getNumOperands(e), i => B.TupleMake.getOperandAt(e, i), (i, c) => B.TupleMake.setOperandAt(e, i, c)))
  m.set(B.TupleExtractId, (_, e) => [one(B.TupleExtract.getTuple, B.TupleExtract.setTuple)(e)])
  return m
}

const tables = new WeakMap<Binaryen, Map<number, SlotFn>>()

/** The child slots of `expr`, in evaluation order. Throws AdmissionError for an expression kind we do not meter. */
export function slotsOf (B: Binaryen, expr: number): Slot[] {
  let t = tables.get(B)
  if (t == null) { t = table(B); tables.set(B, t) }
  const id = B.getExpressionId(expr)
  const fn = t.get(id)
  if (fn == null) throw new AdmissionError('unsupported_instruction', `expression kind ${id} is not supported`)
  return fn(B, expr)
}
