#!/usr/bin/env python3
"""Rebuilds broken/ from good/: one minimal edit per file, one kind of error
per file, and broken/expected.csv (file,component,message_fragment).
Run from tests/data: `python3 make_broken.py`."""
import os

good = {k: open(f'good/good_{k}').read() for k in ['ss21.xml', 'generic21.xml', 'ss30.xml', 'csv10.csv', 'csv20.csv']}
rows = []


def make(name, base, old, new, component, fragment, count=1):
    src = good[base]
    assert old in src, (name, old)
    out = src.replace(old, new, count)
    assert out != src, name
    assert ',' not in fragment, name
    open(f'broken/{name}', 'w').write(out)
    rows.append((name, component, fragment))


ss = 'ss21.xml'
start = good[ss].index('    <Series ')
end = good[ss].index('    </Series>\n') + len('    </Series>\n')
series_block = good[ss][start:end]
obs_line = [l for l in good[ss].splitlines(True) if '<Obs ' in l][0]
make('ss21_bad_code.xml', ss, 'SEX="SEX_T"', 'SEX="T"', 'SEX', "code 'T' is not in codelist ILO:CL_SEX(1.0)")
make('ss21_duplicate_series_key.xml', ss, series_block, series_block + series_block, 'key', 'duplicate series key')
make('ss21_duplicate_observation.xml', ss, obs_line, obs_line + obs_line.replace('3456.7', '3456.8'), 'TIME_PERIOD', "duplicate observation for TIME_PERIOD '2023'")
make('ss21_unit_mult_on_obs.xml', ss, 'DECIMALS="1"/>', 'DECIMALS="1" UNIT_MULT="3"/>', 'UNIT_MULT', 'but the DSD attaches it at series level')
make('ss21_bad_time_period.xml', ss, 'TIME_PERIOD="2023"', 'TIME_PERIOD="2023-Q1"', 'TIME_PERIOD', "does not match FREQ 'A'")
make('ss21_wrong_unit.xml', ss, 'UNIT_MEASURE="PS"', 'UNIT_MEASURE="PT"', 'UNIT_MEASURE', "'PT' does not fit measure MST_TEAP_NB")
make('ss21_missing_header_id.xml', ss, '    <message:ID>MIGSTAT_2024_0001</message:ID>\n', '', 'header', 'message:ID is missing')
make('ss21_missing_prepared.xml', ss, '    <message:Prepared>2025-01-15T10:00:00Z</message:Prepared>\n', '', 'header', 'message:Prepared is missing')
make('ss21_structure_ref_mismatch.xml', ss, 'ss:structureRef="ILO_MST_TEAP_SEX_AGE_CBR_NB_1_0"', 'ss:structureRef="ILO_MST_TEAP_SEX_AGE_CBR_NB_2_0"', 'structureRef', "structureRef 'ILO_MST_TEAP_SEX_AGE_CBR_NB_2_0' does not match")
make('ss21_wrong_namespace.xml', ss, '        namespace="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_NB(1.0)', '        namespace="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ILO:MST_TEAP_SEX_AGE_CBR_RT(1.0)', 'namespace', 'does not match the referenced structure')
make('ss21_missing_xsi_type.xml', ss, ' xsi:type="ns1:DataSetType"', '', 'xsi:type', 'no xsi:type')
make('ss21_unknown_dsd.xml', ss, '<Ref agencyID="ILO" id="MST_TEAP_SEX_AGE_CBR_NB" version="1.0"/>', '<Ref agencyID="ILO" id="MST_TEAP_SEX_AGE_CBR_XX" version="1.0"/>', 'structure', 'unknown DSD ILO:MST_TEAP_SEX_AGE_CBR_XX(1.0)')
make('ss21_non_numeric_value.xml', ss, 'OBS_VALUE="3456.7"', 'OBS_VALUE="3456.7k"', 'OBS_VALUE', "'3456.7k' is not a number")
make('ss21_absent_value_without_c.xml', ss, ' OBS_VALUE="3456.7"', '', 'OBS_VALUE', "which is only allowed with OBS_STATUS 'C'")
make('ss21_source_too_long.xml', ss, 'SOURCE="LFS - Labour Force Survey"', 'SOURCE="LFS - Labour Force Survey' + ' (répété)' * 112 + '"', 'SOURCE', 'more than the 1024 allowed')
make('ss21_unknown_attribute.xml', ss, 'DECIMALS="1"/>', 'DECIMALS="1" COLOUR="blue"/>', 'COLOUR', 'not an attribute of the DSD')
make('ss21_missing_dimension.xml', ss, '\n        CBR="CBR_BIR_FOREIGN" UNIT_MEASURE_TYPE', '\n        UNIT_MEASURE_TYPE', 'CBR', 'dimension missing from the series key')
make('ss21_malformed.xml', ss, '    </Series>\n', '', 'xml', 'malformed XML')
g = 'generic21.xml'
make('generic21_missing_sender.xml', g, '    <message:Sender id="XX_NSO"/>\n', '', 'header', 'message:Sender is missing')
make('generic21_missing_structure.xml', g, good[g][good[g].index('    <message:Structure '):good[g].index('  </message:Header>')], '', 'header', 'message:Structure is missing')
make('generic21_bad_code.xml', g, '<generic:Value id="AGE" value="AGE_YTHADULT_YGE15"/>', '<generic:Value id="AGE" value="AGE_YGE15"/>', 'AGE', "code 'AGE_YGE15' is not in codelist")
make('generic21_structure_ref_mismatch.xml', g, 'structureRef="ILO_MST_TEAP_SEX_AGE_CBR_NB_1_0"', 'structureRef="MST_TEAP"', 'structureRef', "structureRef 'MST_TEAP' does not match")
s3 = 'ss30.xml'
make('ss30_missing_xsi_type.xml', s3, ' xsi:type="ns1:DataSetType"', '', 'xsi:type', 'no xsi:type')
make('ss30_unknown_dataflow.xml', s3, 'Dataflow=ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0)</common:StructureUsage>', 'Dataflow=ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(2.0)</common:StructureUsage>', 'structure', 'unknown dataflow ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(2.0)')
c1 = 'csv10.csv'
make('csv10_wrong_column_count.csv', c1, ',P,NB,PS,3,LFS - Labour Force Survey,,,,1,,\n', ',P,NB,PS,3,LFS - Labour Force Survey, Spain,,,,1,,\n', 'csv', 'the row has 21 fields but the header has 20')
make('csv10_unknown_dataflow.csv', c1, 'ILO:DF_MST_TEAP_SEX_AGE_CBR_NB(1.0),FRA', 'ILO:DF_MST_TEAP_SEX_AGE_CBR_RT(1.0),FRA', 'DATAFLOW', 'unknown dataflow ILO:DF_MST_TEAP_SEX_AGE_CBR_RT(1.0)', count=2)
make('csv10_non_numeric_value.csv', c1, ',27123.4,', ',n/a,', 'OBS_VALUE', "'n/a' is not a number")
c2 = 'csv20.csv'
make('csv20_bad_code.csv', c2, ',CBR_BIR_NATIVE,', ',CBR_BIR_LOCAL,', 'CBR', "code 'CBR_BIR_LOCAL' is not in codelist")
make('csv20_unknown_column.csv', c2, ',UPPER_BOUND,', ',UPPER_BOUNDS,', 'UPPER_BOUNDS', 'not a component of DSD')
make('csv20_missing_dimension.csv', c2, ',MST_TEAP_NB,SEX_T,AGE_YTHADULT_YGE15,CBR_BIR_FOREIGN,', ',MST_TEAP_NB,,AGE_YTHADULT_YGE15,CBR_BIR_FOREIGN,', 'SEX', 'dimension missing from the series key')
with open('broken/expected.csv', 'w') as f:
    f.write('file,component,message_fragment\n')
    for r in rows:
        f.write(','.join(r) + '\n')
print(len(rows), 'broken files')
