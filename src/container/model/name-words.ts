/**
 * lading's own word lists for random container names (`adjective_surname`, like Docker's
 * `focused_turing`). The adjectives are friendly ones; the surnames are scientists and
 * engineers whose work a container engine quietly stands on (computing, mathematics,
 * physics, chemistry, biology, astronomy). Lower case a–z only, so every pairing is a valid
 * container name.
 */

// prettier-ignore
export const ADJECTIVES: readonly string[] = [
  'able', 'agile', 'airy', 'amber', 'ample', 'ardent', 'artful', 'astute', 'balmy', 'bold',
  'brave', 'breezy', 'bright', 'brisk', 'calm', 'candid', 'careful', 'cheerful', 'civil', 'clever',
  'cosmic', 'cozy', 'crisp', 'curious', 'dapper', 'daring', 'deft', 'devoted', 'diligent', 'dreamy',
  'eager', 'earnest', 'easy', 'elated', 'eloquent', 'epic', 'fair', 'fearless', 'fervent', 'festive',
  'fluent', 'fond', 'frank', 'gallant', 'gentle', 'gifted', 'glad', 'golden', 'gracious', 'grand',
  'hardy', 'hearty', 'honest', 'hopeful', 'humble', 'jolly', 'jovial', 'joyful', 'keen', 'kind',
  'lively', 'loyal', 'lucid', 'lucky', 'merry', 'mellow', 'mindful', 'modest', 'nimble', 'noble',
  'patient', 'peppy', 'placid', 'plucky', 'polite', 'proud', 'quick', 'quiet', 'radiant', 'rapid',
  'ready', 'resolute', 'robust', 'rosy', 'serene', 'sharp', 'shiny', 'sincere', 'snappy', 'spry',
  'steady', 'sturdy', 'sunny', 'swift', 'tender', 'thrifty', 'tidy', 'upbeat', 'valiant', 'vivid',
  'warm', 'wise', 'witty', 'zealous', 'zesty',
];

// prettier-ignore
export const SURNAMES: readonly string[] = [
  // computing and information
  'aiken', 'allen', 'babbage', 'backus', 'baran', 'bartik', 'bell', 'berners', 'cerf', 'codd',
  'conway', 'corbato', 'dijkstra', 'eckert', 'engelbart', 'floyd', 'hamming', 'hartree', 'hoare',
  'holberton', 'hopper', 'huffman', 'kahn', 'kay', 'kernighan', 'kilburn', 'knuth', 'lamport',
  'liskov', 'lovelace', 'mauchly', 'mccarthy', 'minsky', 'naur', 'neumann', 'nygaard', 'perlman',
  'ritchie', 'shannon', 'sutherland', 'tarjan', 'thompson', 'torvalds', 'turing', 'wilkes', 'wirth',
  'zuse', 'hollerith', 'joshi', 'sammet',
  // mathematics
  'agnesi', 'banach', 'bernoulli', 'boole', 'cantor', 'cauchy', 'descartes', 'euclid', 'euler',
  'fermat', 'fibonacci', 'fourier', 'galois', 'gauss', 'germain', 'godel', 'hilbert', 'hypatia',
  'kolmogorov', 'kovalevskaya', 'lagrange', 'laplace', 'leibniz', 'markov', 'mirzakhani', 'napier',
  'noether', 'pascal', 'poincare', 'ramanujan', 'riemann', 'wiles',
  // physics and engineering
  'ampere', 'bardeen', 'bohr', 'born', 'bose', 'boltzmann', 'chandrasekhar', 'coulomb', 'dirac',
  'edison', 'einstein', 'faraday', 'fermi', 'feynman', 'franklin', 'galilei', 'heisenberg',
  'hertz', 'joule', 'kelvin', 'kepler', 'lamarr', 'maxwell', 'meitner', 'newton', 'ohm',
  'pauli', 'planck', 'raman', 'rutherford', 'schrodinger', 'shockley', 'tesla', 'volta', 'watt',
  'wu', 'yukawa', 'brattain', 'kilby', 'noyce',
  // chemistry, biology and medicine
  'avogadro', 'curie', 'dalton', 'darwin', 'elion', 'fleming', 'hodgkin', 'lavoisier', 'mendel',
  'mendeleev', 'pasteur', 'pauling', 'mcclintock', 'salk', 'sanger', 'lister', 'crick', 'watson',
  'levi', 'tu', 'koch', 'harvey',
  // astronomy and earth
  'brahe', 'cannon', 'copernicus', 'halley', 'herschel', 'hubble', 'leavitt', 'payne', 'rubin',
  'sagan', 'hawking', 'humboldt', 'lyell', 'wegener', 'burnell', 'tombaugh',
];
