package dev.ember.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.einsum} for one or two operands: letters that only one operand has and the
 * output lacks are summed first, then the pair becomes a single batched matrix product
 * (batch letters, left-only letters, contracted letters, right-only letters), so it runs on
 * the backend's GEMM and its gradient comes from the ops it is made of.
 */
final class Einsum {
    private Einsum() {}

    static Tensor einsum(String equation, Tensor... operands) {
        String compact = equation.replace(" ", "");
        int arrow = compact.indexOf("->");
        String inputsPart = arrow < 0 ? compact : compact.substring(0, arrow);
        String[] inputs = inputsPart.split(",", -1);
        if (inputs.length != operands.length) {
            throw new IllegalArgumentException("einsum(): " + (inputs.length < operands.length ? "more" : "fewer")
                    + " operands were provided than specified in the equation '" + equation + "' ("
                    + inputs.length + " specified, " + operands.length + " given)");
        }
        if (operands.length < 1 || operands.length > 2) {
            throw new IllegalArgumentException("einsum(): only one or two operands are supported, got " + operands.length);
        }
        Map<Character, Long> sizes = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) checkOperand(equation, inputs[i], operands[i], sizes);
        String output = arrow < 0 ? implicitOutput(inputs) : compact.substring(arrow + 2);
        for (char letter : output.toCharArray()) {
            if (!sizes.containsKey(letter)) {
                throw new IllegalArgumentException("einsum(): output subscript " + letter
                        + " does not appear in the equation for any input operand");
            }
            if (output.indexOf(letter) != output.lastIndexOf(letter)) {
                throw new IllegalArgumentException("einsum(): output subscript " + letter + " appears more than once in the output");
            }
        }
        if (operands.length == 1) {
            Term single = sumOut(new Term(inputs[0], operands[0]), output);
            return single.permutedTo(output);
        }
        Term left = sumOut(new Term(inputs[0], operands[0]), output + inputs[1]);
        Term right = sumOut(new Term(inputs[1], operands[1]), output + inputs[0]);
        return product(left, right, output);
    }

    /** A tensor with one subscript letter per dim. */
    private record Term(String letters, Tensor tensor) {
        Tensor permutedTo(String order) {
            int[] dims = new int[order.length()];
            for (int i = 0; i < dims.length; i++) dims[i] = letters.indexOf(order.charAt(i));
            return dims.length == 0 ? tensor : tensor.permute(dims);
        }
    }

    /** Sums the dims whose letters appear nowhere in {@code keep}. */
    private static Term sumOut(Term term, String keep) {
        List<Integer> dims = new ArrayList<>();
        StringBuilder remaining = new StringBuilder();
        for (int d = 0; d < term.letters().length(); d++) {
            char letter = term.letters().charAt(d);
            if (keep.indexOf(letter) < 0) dims.add(d);
            else remaining.append(letter);
        }
        if (dims.isEmpty()) return term;
        int[] reduced = dims.stream().mapToInt(Integer::intValue).toArray();
        return new Term(remaining.toString(), term.tensor().sum(reduced, false));
    }

    private static Tensor product(Term left, Term right, String output) {
        StringBuilder batch = new StringBuilder();
        StringBuilder contracted = new StringBuilder();
        StringBuilder leftOnly = new StringBuilder();
        StringBuilder rightOnly = new StringBuilder();
        for (char letter : left.letters().toCharArray()) {
            boolean inRight = right.letters().indexOf(letter) >= 0;
            boolean inOutput = output.indexOf(letter) >= 0;
            if (inRight && inOutput) batch.append(letter);
            else if (inRight) contracted.append(letter);
            else leftOnly.append(letter);
        }
        for (char letter : right.letters().toCharArray()) {
            if (left.letters().indexOf(letter) < 0) rightOnly.append(letter);
        }
        long batchSize = product(left, batch.toString());
        long rows = product(left, leftOnly.toString());
        long inner = product(left, contracted.toString());
        long columns = product(right, rightOnly.toString());
        Tensor a = left.permutedTo(batch + leftOnly.toString() + contracted).reshape(batchSize, rows, inner);
        Tensor b = right.permutedTo(batch + contracted.toString() + rightOnly).reshape(batchSize, inner, columns);
        String resultLetters = batch + leftOnly.toString() + rightOnly;
        long[] resultShape = new long[resultLetters.length()];
        for (int i = 0; i < resultShape.length; i++) {
            char letter = resultLetters.charAt(i);
            Term owner = left.letters().indexOf(letter) >= 0 ? left : right;
            resultShape[i] = owner.tensor().size(owner.letters().indexOf(letter));
        }
        Tensor result = a.bmm(b).reshape(resultShape);
        return new Term(resultLetters, result).permutedTo(output);
    }

    private static long product(Term term, String letters) {
        long n = 1;
        for (char letter : letters.toCharArray()) n *= term.tensor().size(term.letters().indexOf(letter));
        return n;
    }

    private static void checkOperand(String equation, String subscripts, Tensor operand, Map<Character, Long> sizes) {
        if (subscripts.contains(".")) {
            throw new IllegalArgumentException("einsum(): ellipsis ('...') is not supported yet in '" + equation + "'");
        }
        if (subscripts.length() != operand.dim()) {
            throw new IllegalArgumentException("einsum(): the number of subscripts in the equation (" + subscripts.length()
                    + ") does not match the number of dimensions (" + operand.dim() + ") for operand with shape "
                    + Dimensions.shapeText(operand.shape()));
        }
        for (int d = 0; d < subscripts.length(); d++) {
            char letter = subscripts.charAt(d);
            if (!Character.isLetter(letter)) {
                throw new IllegalArgumentException("einsum(): invalid subscript given at index " + d + " in '" + equation
                        + "'; subscripts must be letters");
            }
            if (subscripts.indexOf(letter) != d) {
                throw new IllegalArgumentException("einsum(): repeated subscript '" + letter + "' within one operand "
                        + "(a diagonal) is not supported in '" + equation + "'");
            }
            long size = operand.size(d);
            Long seen = sizes.putIfAbsent(letter, size);
            if (seen != null && seen != size) {
                throw new IllegalArgumentException("einsum(): operands do not broadcast: subscript '" + letter
                        + "' has size " + seen + " and " + size + " in '" + equation + "'");
            }
        }
    }

    /** Without '->', the output is every letter used exactly once, in alphabetical order. */
    private static String implicitOutput(String[] inputs) {
        StringBuilder all = new StringBuilder();
        for (String input : inputs) all.append(input);
        StringBuilder output = new StringBuilder();
        all.chars().sorted().distinct().forEach(c -> {
            if (all.indexOf(String.valueOf((char) c)) == all.lastIndexOf(String.valueOf((char) c))) output.append((char) c);
        });
        return output.toString();
    }
}
