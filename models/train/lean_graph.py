"""Export-time cleanup of the traced ONNX graph: reshape targets computed at run time become constants.

torch.onnx traces `x.view(b, t, h, dk)` with b and t read off the tensor on every call: a Shape node,
then a Gather and an Unsqueeze per dimension and a Concat, for every reshape of every layer. ONNX
Runtime cannot fold those (the batch and sequence axes are dynamic), so each is a kernel launch on
every run: about a third of the nodes left after its own optimisations, and at 16 tokens the kernels
are so short that launches are what a run costs. ONNX's Reshape copies a dimension from its input
where the target says 0, so `[0, 0, h, dk]` says the same thing with no arithmetic at all.

The rewrite only replaces a target element it can prove: a static dimension becomes its value, and a
symbolic one becomes 0 only where the Reshape's own input has the same symbolic dimension at the
same position. Anything else leaves that Reshape as it was. Then nodes nobody reads are dropped.
"""
import onnx
from onnx import numpy_helper, shape_inference
import numpy as np


def _producers(graph):
    return {o: n for n in graph.node for o in n.output}


def _constant_ints(name, producers, inits):
    """The int values of a constant tensor (initializer or Constant node), or None."""
    if name in inits:
        return numpy_helper.to_array(inits[name]).astype(np.int64).ravel().tolist()
    n = producers.get(name)
    if n is not None and n.op_type == "Constant":
        for a in n.attribute:
            if a.name == "value":
                return numpy_helper.to_array(a.t).astype(np.int64).ravel().tolist()
    return None


def _dims(value_infos, name):
    vi = value_infos.get(name)
    if vi is None or not vi.type.tensor_type.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in vi.type.tensor_type.shape.dim]


def _shape_element(name, producers, inits):
    """What one element of a Concat-built reshape target is: ('const', v) or ('dim', tensor, axis), or None."""
    vals = _constant_ints(name, producers, inits)
    if vals is not None and len(vals) == 1:
        return ("const", vals[0])
    un = producers.get(name)
    if un is None or un.op_type != "Unsqueeze":
        return None
    scalar = _constant_ints(un.input[0], producers, inits)  # the tracer's python ints: Unsqueeze(Constant)
    if scalar is not None and len(scalar) == 1:
        return ("const", scalar[0])
    ga = producers.get(un.input[0])
    if ga is None or ga.op_type != "Gather":
        return None
    sh = producers.get(ga.input[0])
    idx = _constant_ints(ga.input[1], producers, inits)
    if sh is None or sh.op_type != "Shape" or idx is None or len(idx) != 1 or len(sh.attribute):
        return None
    return ("dim", sh.input[0], idx[0])


def _fold_once(model):
    """One pass over the Reshapes; returns how many targets became constants."""
    inferred = shape_inference.infer_shapes(model)
    g = model.graph
    value_infos = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output)}
    producers = _producers(g)
    inits = {t.name: t for t in g.initializer}
    folded = 0
    for node in g.node:
        if node.op_type != "Reshape" or any(a.name == "allowzero" and a.i for a in node.attribute):
            continue
        cat = producers.get(node.input[1])
        if cat is None or cat.op_type != "Concat":
            continue
        data_dims = _dims(value_infos, node.input[0])
        target = []
        for i, el in enumerate(cat.input):
            e = _shape_element(el, producers, inits)
            if e is None:
                break
            if e[0] == "const":
                target.append(e[1])
                continue
            src = _dims(value_infos, e[1])
            axis = e[2] if src is None or e[2] >= 0 else e[2] + len(src)
            dim = src[axis] if src is not None and 0 <= axis < len(src) else None
            if isinstance(dim, int) and dim > 0:
                target.append(dim)
            elif isinstance(dim, str) and data_dims is not None and i < len(data_dims) and data_dims[i] == dim:
                target.append(0)  # Reshape copies this dimension from its input
            else:
                break
        else:
            const_name = f"{node.name or node.output[0]}/lean_target"
            g.initializer.append(numpy_helper.from_array(np.array(target, dtype=np.int64), const_name))
            node.input[1] = const_name
            folded += 1
    return folded


def drop_unused(model):
    """Remove nodes whose outputs nothing reads (graph outputs count as read), then unread initializers."""
    g = model.graph
    while True:
        read = {o.name for o in g.output}
        for n in g.node:
            read.update(i for i in n.input if i)
        dead = [n for n in g.node if not any(o in read for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    read = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    for t in [t for t in g.initializer if t.name not in read]:
        g.initializer.remove(t)


def fold_reshape_targets(model):
    """Fold every provable reshape target into a constant (repeating while inference learns more), then
    drop the shape arithmetic left unread. Returns (reshapes folded, nodes before, nodes after)."""
    before = len(model.graph.node)
    total = 0
    while True:
        n = _fold_once(model)
        total += n
        if not n:
            break
    drop_unused(model)
    return total, before, len(model.graph.node)


if __name__ == "__main__":
    import sys
    m = onnx.load(sys.argv[1])
    print(fold_reshape_targets(m))
    if len(sys.argv) > 2:
        onnx.save(m, sys.argv[2])
